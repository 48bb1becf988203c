/**
 * Requests: each message type's fields missing, of the wrong type or refused, and the
 * refused requests changing nothing.
 */
import { type Case, error, hostileCases, ok } from '../../support/hostile-cases.js';
import { request } from '../../support/messages.js';

const CASES: readonly Case[] = [
  // create
  {
    name: 'create: name missing',
    line: request('{"type":"create","msg_id":#}'),
    expect: error(12, 'create: name is required'),
  },
  {
    name: 'create: name null',
    line: request('{"type":"create","msg_id":#,"name":null}'),
    expect: error(12, 'create: name must be a string, got null'),
  },
  {
    name: 'create: name a number',
    line: request('{"type":"create","msg_id":#,"name":5}'),
    expect: error(12, 'create: name must be a string, got number'),
  },
  {
    name: 'create: name empty',
    line: request('{"type":"create","msg_id":#,"name":""}'),
    expect: error(12, 'create: name must not be empty'),
  },
  {
    name: 'create: handlers a string',
    line: request('{"type":"create","msg_id":#,"name":"h","handlers":"merge"}'),
    expect: error(12, /^create: handlers /),
  },
  {
    name: 'create: an unknown op',
    line: request('{"type":"create","msg_id":#,"name":"h","handlers":{"E":"bogus"}}'),
    expect: error(12, /^create: handlers\.E must be one of /),
  },
  {
    name: 'create: key empty',
    line: request('{"type":"create","msg_id":#,"name":"h","key":""}'),
    expect: error(12, /^create: key /),
  },
  {
    name: 'create: key a number',
    line: request('{"type":"create","msg_id":#,"name":"h","key":5}'),
    expect: error(12, /^create: key /),
  },
  {
    name: 'create: the failed creates made nothing',
    line: request('{"type":"read","msg_id":#,"projection":"h"}'),
    expect: error(20),
  },
  {
    name: 'create: a name that exists',
    line: request('{"type":"create","msg_id":#,"name":"sentinel","initial_state":[]}'),
    expect: error(21, /^create: projection "sentinel" already exists/),
  },

  // update
  {
    name: 'update: projection missing',
    line: request('{"type":"update","msg_id":#,"event":{"event_type":"E","event_data":{}}}'),
    expect: error(12, 'update: projection is required'),
  },
  {
    name: 'update: projection null',
    line: request('{"type":"update","msg_id":#,"projection":null,"event":{"event_type":"E","event_data":{}}}'),
    expect: error(12, /^update: projection /),
  },
  {
    name: 'update: projection an array',
    line: request('{"type":"update","msg_id":#,"projection":["sentinel"],"event":{"event_type":"E","event_data":{}}}'),
    expect: error(12, /^update: projection /),
  },
  {
    name: 'update: projection empty',
    line: request('{"type":"update","msg_id":#,"projection":"","event":{"event_type":"E","event_data":{}}}'),
    expect: error(12, 'update: projection must not be empty'),
  },
  {
    name: 'update: event missing',
    line: request('{"type":"update","msg_id":#,"projection":"sentinel"}'),
    expect: error(12, 'update: event is required'),
  },
  {
    name: 'update: event null',
    line: request('{"type":"update","msg_id":#,"projection":"sentinel","event":null}'),
    expect: error(12, /^update: event /),
  },
  {
    name: 'update: event a string',
    line: request('{"type":"update","msg_id":#,"projection":"sentinel","event":"E"}'),
    expect: error(12, /^update: event /),
  },
  {
    name: 'update: event_type missing',
    line: request('{"type":"update","msg_id":#,"projection":"sentinel","event":{"event_data":{"kept":0}}}'),
    expect: error(12, 'update: event.event_type is required'),
  },
  {
    name: 'update: event_type a number',
    line: request(
      '{"type":"update","msg_id":#,"projection":"sentinel","event":{"event_type":1,"event_data":{"kept":0}}}',
    ),
    expect: error(12, /^update: event\.event_type /),
  },
  {
    name: 'update: event_id a fraction',
    line: request(
      '{"type":"update","msg_id":#,"projection":"sentinel","event":{"event_type":"E","event_id":1.5,"event_data":{"kept":0}}}',
    ),
    expect: error(12, /^update: event\.event_id /),
  },
  {
    name: 'update: event_id an object',
    line: request(
      '{"type":"update","msg_id":#,"projection":"sentinel","event":{"event_type":"E","event_id":{},"event_data":{"kept":0}}}',
    ),
    expect: error(12, /^update: event\.event_id /),
  },
  {
    name: 'update: expected_version negative',
    line: request(
      '{"type":"update","msg_id":#,"projection":"sentinel","expected_version":-1,"event":{"event_type":"E","event_data":{"kept":0}}}',
    ),
    expect: error(12, /^update: expected_version /),
  },
  {
    name: 'update: expected_version a string',
    line: request(
      '{"type":"update","msg_id":#,"projection":"sentinel","expected_version":"0","event":{"event_type":"E","event_data":{"kept":0}}}',
    ),
    expect: error(12, /^update: expected_version /),
  },
  {
    name: 'update: expected_version 1e400, which no version reaches',
    line: request(
      '{"type":"update","msg_id":#,"projection":"sentinel","expected_version":1e400,"event":{"event_type":"E","event_data":{"kept":0}}}',
    ),
    expect: error(22, 'update: expected version 1e400, but projection "sentinel" is at version 0'),
  },
  {
    name: 'update: a stale expected_version',
    line: request(
      '{"type":"update","msg_id":#,"projection":"sentinel","expected_version":5,"event":{"event_type":"E","event_data":{"kept":0}}}',
    ),
    expect: error(22, /^update: expected version 5, but projection "sentinel" is at version 0/),
  },
  {
    name: 'update: a scalar merged into an object state',
    line: request(
      '{"type":"update","msg_id":#,"projection":"sentinel","event":{"event_type":"E","event_data":"kept"}}',
    ),
    expect: error(12, /^update: merge into an object state needs event_data to be an object/),
  },
  {
    name: 'update: a refused write to a new projection',
    line: request(
      '{"type":"update","msg_id":#,"projection":"ghost","expected_version":3,"event":{"event_type":"E","event_data":{}}}',
    ),
    expect: error(22),
  },
  {
    name: 'update: the refused write created nothing',
    line: request('{"type":"read","msg_id":#,"projection":"ghost"}'),
    expect: error(20, 'read: projection "ghost" does not exist'),
  },

  // rebuild
  {
    name: 'rebuild: projection missing',
    line: request('{"type":"rebuild","msg_id":#,"events":[]}'),
    expect: error(12, 'rebuild: projection is required'),
  },
  {
    name: 'rebuild: events missing',
    line: request('{"type":"rebuild","msg_id":#,"projection":"sentinel"}'),
    expect: error(12, 'rebuild: events is required'),
  },
  {
    name: 'rebuild: events an object',
    line: request('{"type":"rebuild","msg_id":#,"projection":"sentinel","events":{}}'),
    expect: error(12, 'rebuild: events must be an array, got object'),
  },
  {
    name: 'rebuild: an event that is a number',
    line: request('{"type":"rebuild","msg_id":#,"projection":"sentinel","events":[5]}'),
    expect: error(12, /^rebuild: events\[0\] /),
  },
  {
    name: 'rebuild: an event_type that is a number',
    line: request(
      '{"type":"rebuild","msg_id":#,"projection":"sentinel","events":[{"event_type":"E","event_data":{}},{"event_type":5,"event_data":{}}]}',
    ),
    expect: error(12, /^rebuild: events\[1\]\.event_type /),
  },
  {
    name: 'rebuild: a stale expected_version',
    line: request('{"type":"rebuild","msg_id":#,"projection":"sentinel","expected_version":3,"events":[]}'),
    expect: error(22),
  },
  {
    name: 'rebuild: one refused event refuses them all',
    line: request(
      '{"type":"rebuild","msg_id":#,"projection":"sentinel","events":[{"event_type":"E","event_data":{"kept":"overwritten"}},{"event_type":"E","event_data":"no"}]}',
    ),
    expect: error(12, /^rebuild: events\[1\]: merge into an object state/),
  },

  // read, list, delete
  {
    name: 'read: projection missing',
    line: request('{"type":"read","msg_id":#}'),
    expect: error(12, 'read: projection is required'),
  },
  {
    name: 'read: projection null',
    line: request('{"type":"read","msg_id":#,"projection":null}'),
    expect: error(12, 'read: projection must be a string, got null'),
  },
  {
    name: 'read: projection a number',
    line: request('{"type":"read","msg_id":#,"projection":5}'),
    expect: error(12, 'read: projection must be a string, got number'),
  },
  {
    name: 'read: projection empty',
    line: request('{"type":"read","msg_id":#,"projection":""}'),
    expect: error(12, 'read: projection must not be empty'),
  },
  {
    name: 'read: an unknown projection',
    line: request('{"type":"read","msg_id":#,"projection":"nope"}'),
    expect: error(20, 'read: projection "nope" does not exist'),
  },
  {
    name: 'list: unknown fields are ignored',
    line: request('{"type":"list","msg_id":#,"junk":[1,{"a":null}]}'),
    expect: ok('list_ok'),
  },
  {
    name: 'delete: projection missing',
    line: request('{"type":"delete","msg_id":#}'),
    expect: error(12, 'delete: projection is required'),
  },
  {
    name: 'delete: projection empty',
    line: request('{"type":"delete","msg_id":#,"projection":""}'),
    expect: error(12, 'delete: projection must not be empty'),
  },
  {
    name: 'delete: projection an object',
    line: request('{"type":"delete","msg_id":#,"projection":{"name":"sentinel"}}'),
    expect: error(12, 'delete: projection must be a string, got object'),
  },
  {
    name: 'delete: an unknown projection',
    line: request('{"type":"delete","msg_id":#,"projection":"nope"}'),
    expect: error(20),
  },

  // init and forward
  {
    name: 'init: node_id missing',
    line: request('{"type":"init","msg_id":#,"node_ids":["n1"]}'),
    expect: error(12, 'init: node_id is required'),
  },
  {
    name: 'init: node_id empty',
    line: request('{"type":"init","msg_id":#,"node_id":"","node_ids":["n1"]}'),
    expect: error(12, 'init: node_id must not be empty'),
  },
  {
    name: 'init: node_ids a string',
    line: request('{"type":"init","msg_id":#,"node_id":"x9","node_ids":"x9"}'),
    expect: error(12, 'init: node_ids must be an array, got string'),
  },
  {
    name: 'init: node_ids of numbers',
    line: request('{"type":"init","msg_id":#,"node_id":"x9","node_ids":[1]}'),
    expect: error(12, /^init: node_ids\[0\] /),
  },
  {
    name: 'forward from a client: request missing',
    line: request('{"type":"forward","msg_id":#,"client":"c1"}'),
    expect: error(
      10,
      /^unsupported message type "forward"; supported: init, create, update, rebuild, read, query, list, delete, describe, stats$/,
    ),
  },
];

hostileCases('requests', CASES, []);
