/**
 * Numbers no double holds: state values, element ids and event ids kept digit for digit,
 * and told apart where their doubles are equal.
 */
import { type Case, hostileCases, ok, okContaining, stateIs } from '../../support/hostile-cases.js';
import { request } from '../../support/messages.js';

const CASES: readonly Case[] = [
  {
    name: 'big numbers in initial_state',
    line: request(
      '{"type":"create","msg_id":#,"name":"big","initial_state":[{"id":1234567890123456789012,"v":9007199254740993,"w":1e400}],"handlers":{"Removed":"remove"}}',
    ),
    expect: ok('projection_created'),
  },
  {
    name: 'reading big numbers back digit for digit',
    line: request('{"type":"read","msg_id":#,"projection":"big"}'),
    expect: ok('read_ok', stateIs('[{"id":1234567890123456789012,"v":9007199254740993,"w":1e400}]')),
  },
  {
    name: 'an upsert by a big id lands on the element with exactly that id',
    line: request(
      '{"type":"update","msg_id":#,"projection":"big","event":{"event_type":"E","event_data":{"id":1234567890123456789012,"x":-1E400}}}',
    ),
    expect: ok(
      'projection_updated',
      stateIs('[{"id":1234567890123456789012,"v":9007199254740993,"w":1e400,"x":-1E400}]'),
    ),
  },
  {
    name: 'an id one above is another element',
    line: request(
      '{"type":"update","msg_id":#,"projection":"big","event":{"event_type":"E","event_data":{"id":1234567890123456789013}}}',
    ),
    expect: ok(
      'projection_updated',
      stateIs(
        '[{"id":1234567890123456789012,"v":9007199254740993,"w":1e400,"x":-1E400},{"id":1234567890123456789013}]',
      ),
    ),
  },
  {
    name: 'ids 2^53 + 1 and 2^53 are two elements, though one double',
    line: request(
      '{"type":"rebuild","msg_id":#,"projection":"big","events":[{"event_type":"E","event_data":{"id":9007199254740993,"n":1}},{"event_type":"E","event_data":{"id":9007199254740992,"n":2}},{"event_type":"E","event_data":{"id":1234567890123456789012}}]}',
    ),
    expect: okContaining('projection_rebuilt', '"events_processed":3,"version":3'),
  },
  {
    name: 'the rebuilt state keeps both ids',
    line: request('{"type":"read","msg_id":#,"projection":"big"}'),
    expect: ok(
      'read_ok',
      stateIs(
        '[{"id":1234567890123456789012,"v":9007199254740993,"w":1e400},{"id":9007199254740993,"n":1},{"id":9007199254740992,"n":2}]',
      ),
    ),
  },
  {
    name: 'a remove by a big id removes exactly that element',
    line: request(
      '{"type":"update","msg_id":#,"projection":"big","event":{"event_type":"Removed","event_data":{"id":9007199254740993}}}',
    ),
    expect: ok(
      'projection_updated',
      stateIs('[{"id":1234567890123456789012,"v":9007199254740993,"w":1e400},{"id":9007199254740992,"n":2}]'),
    ),
  },
  {
    name: 'a remove by the other big id',
    line: request(
      '{"type":"update","msg_id":#,"projection":"big","event":{"event_type":"Removed","event_data":{"id":1234567890123456789012}}}',
    ),
    expect: ok('projection_updated', stateIs('[{"id":9007199254740992,"n":2}]')),
  },
  {
    name: 'event ids 2^53 + 1 and 2^53 are different events',
    line: request(
      '{"type":"rebuild","msg_id":#,"projection":"eid","events":[{"event_type":"E","event_id":9007199254740993,"event_data":1},{"event_type":"E","event_id":9007199254740992,"event_data":2},{"event_type":"E","event_id":9007199254740993,"event_data":3}]}',
    ),
    expect: okContaining('projection_rebuilt', '"events_processed":2'),
  },
  {
    name: 'a redelivered big event id is a duplicate',
    line: request(
      '{"type":"update","msg_id":#,"projection":"eid","event":{"event_type":"E","event_id":9007199254740993,"event_data":4}}',
    ),
    expect: okContaining('projection_updated', '"version":2,"state":[1,2],"duplicate":true'),
  },
];

hostileCases('numbers', CASES, ['big', 'eid']);
