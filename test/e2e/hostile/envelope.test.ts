/**
 * The envelope and the body header: src, dest, body, type and msg_id missing, of the wrong
 * type, or odd.
 */
import { type Case, hostileCases, error, ok, unanswerable } from '../../support/hostile-cases.js';
import { message, request } from '../../support/messages.js';

const CASES: readonly Case[] = [
  { name: 'body missing', line: () => '{"src":"c1","dest":"n1"}', expect: unanswerable },
  { name: 'body null', line: () => '{"src":"c1","dest":"n1","body":null}', expect: unanswerable },
  {
    name: 'body an array',
    line: (id) => `{"src":"c1","dest":"n1","body":[{"type":"list","msg_id":${id}}]}`,
    expect: unanswerable,
  },
  { name: 'body a string', line: () => '{"src":"c1","dest":"n1","body":"list"}', expect: unanswerable },
  { name: 'body a number', line: () => '{"src":"c1","dest":"n1","body":7}', expect: unanswerable },
  { name: 'src missing', line: (id) => `{"dest":"n1","body":{"type":"list","msg_id":${id}}}`, expect: unanswerable },
  {
    name: 'src a number',
    line: (id) => `{"src":1,"dest":"n1","body":{"type":"list","msg_id":${id}}}`,
    expect: unanswerable,
  },
  {
    name: 'src null',
    line: (id) => `{"src":null,"dest":"n1","body":{"type":"list","msg_id":${id}}}`,
    expect: unanswerable,
  },
  {
    name: 'src only inside __proto__',
    line: (id) => `{"__proto__":{"src":"c1"},"dest":"n1","body":{"type":"list","msg_id":${id}}}`,
    expect: unanswerable,
  },
  {
    name: 'dest missing',
    line: (id) => `{"src":"c1","body":{"type":"list","msg_id":${id}}}`,
    expect: error(12, 'list: dest is required'),
  },
  {
    name: 'dest a number',
    line: (id) => `{"src":"c1","dest":5,"body":{"type":"list","msg_id":${id}}}`,
    expect: error(12, 'list: dest must be a string, got number'),
  },
  { name: 'type missing', line: request('{"msg_id":#}'), expect: error(12, 'body.type is required') },
  {
    name: 'type a number',
    line: request('{"type":5,"msg_id":#}'),
    expect: error(12, 'body.type must be a string, got number'),
  },
  {
    name: 'type null',
    line: request('{"type":null,"msg_id":#}'),
    expect: error(12, 'body.type must be a string, got null'),
  },
  {
    name: 'type empty',
    line: request('{"type":"","msg_id":#}'),
    expect: error(10, /^unsupported message type ""; supported: /),
  },
  {
    name: 'an unknown type',
    line: request('{"type":"cas","msg_id":#}'),
    expect: error(
      10,
      'unsupported message type "cas"; supported: init, create, update, rebuild, read, query, list, delete, describe, stats',
    ),
  },
  {
    name: 'a type only found on Object.prototype',
    line: request('{"type":"toString","msg_id":#}'),
    expect: error(10, /^unsupported message type "toString"/),
  },
  {
    name: 'msg_id a string',
    line: request('{"type":"list","msg_id":"#"}'),
    expect: error(12, /^list: body\.msg_id /, '"#"'),
  },
  {
    name: 'msg_id a fraction',
    line: request('{"type":"list","msg_id":1.5}'),
    expect: error(12, /^list: body\.msg_id /, '1.5'),
  },
  {
    name: 'msg_id null',
    line: request('{"type":"list","msg_id":null}'),
    expect: error(12, /^list: body\.msg_id /, 'null'),
  },
  {
    name: 'msg_id true',
    line: request('{"type":"list","msg_id":true}'),
    expect: error(12, /^list: body\.msg_id /, 'true'),
  },
  {
    name: 'msg_id beyond 2^53 echoed digit for digit',
    line: request('{"type":"read","msg_id":9007199254740993,"projection":"absent"}'),
    expect: error(20, 'read: projection "absent" does not exist', '9007199254740993'),
  },
  {
    name: 'msg_id 1.0 echoed as the number it is, 1',
    line: request('{"type":"read","msg_id":1.0,"projection":"absent"}'),
    expect: error(20, 'read: projection "absent" does not exist', '1'),
  },
  {
    name: 'msg_id 1e2 echoed as 100',
    line: request('{"type":"read","msg_id":1e2,"projection":"absent"}'),
    expect: error(20, 'read: projection "absent" does not exist', '100'),
  },
  {
    name: 'a body with in_reply_to is a reply, never answered',
    line: request('{"type":"read_ok","in_reply_to":#}'),
    expect: unanswerable,
  },
  {
    name: 'a request without msg_id is answered without in_reply_to',
    line: () => message('{"type":"read","projection":"sentinel"}'),
    expect: ok('read_ok'),
  },
];

hostileCases('envelope', CASES, []);
