/**
 * Nesting: any field nested 200,000 levels deep is refused or dropped without harm; just under
 * the limit is served.
 */
import { type Case, hostileCases, error, ok, stateIs, unanswerable } from '../../support/hostile-cases.js';
import { request } from '../../support/messages.js';

const nested = (depth: number, open = '[', close = ']'): string => open.repeat(depth) + close.repeat(depth);

const CASES: readonly Case[] = [
  {
    name: 'event_data nested 200,000 levels deep',
    line: request(
      `{"type":"update","msg_id":#,"projection":"deep","event":{"event_type":"E","event_data":${nested(200_000)}}}`,
    ),
    expect: error(12, 'update: message nests deeper than 1000 levels'),
  },
  {
    name: 'the refused deep update created nothing',
    line: request('{"type":"read","msg_id":#,"projection":"deep"}'),
    expect: error(20),
  },
  {
    name: 'initial_state of objects nested 200,000 levels deep',
    line: request(
      `{"type":"create","msg_id":#,"name":"deep","initial_state":${'{"a":'.repeat(200_000)}1${'}'.repeat(200_000)}}`,
    ),
    expect: error(12, 'create: message nests deeper than 1000 levels'),
  },
  {
    name: 'a msg_id nested 200,000 levels deep is not echoed',
    line: request(`{"type":"list","msg_id":${nested(200_000)}}`),
    expect: error(12, /^list: message nests /, null),
  },
  {
    name: 'a type nested 200,000 levels deep',
    line: request(`{"type":${nested(200_000)},"msg_id":#}`),
    expect: error(12, /^message nests /),
  },
  {
    name: 'an in_reply_to nested 200,000 levels deep',
    line: request(`{"type":"read_ok","in_reply_to":${nested(200_000)}}`),
    expect: unanswerable,
  },
  {
    name: 'a src nested 200,000 levels deep',
    line: () => `{"src":${nested(200_000)},"dest":"n1","body":{"type":"list"}}`,
    expect: unanswerable,
  },
  {
    name: 'event_data nested just under the limit',
    line: request(
      `{"type":"update","msg_id":#,"projection":"deep","event":{"event_type":"E","event_data":${nested(997)}}}`,
    ),
    expect: ok('projection_updated', stateIs(`[${nested(997)}]`)),
  },
  {
    // The envelope, its body and the event are the first three levels.
    name: 'event_data one level over the limit',
    line: request(
      `{"type":"update","msg_id":#,"projection":"deep","event":{"event_type":"E","event_data":${nested(998)}}}`,
    ),
    expect: error(12, 'update: message nests deeper than 1000 levels'),
  },
];

hostileCases('nesting', CASES, ['deep']);
