/**
 * Names and keys: odd characters in projection names, names and event types that Object.prototype
 * has too, and __proto__, constructor and prototype keys, which are data.
 */
import { type Case, hostileCases, error, ok, okContaining, stateIs } from '../../support/hostile-cases.js';
import { request } from '../../support/messages.js';

const CASES: readonly Case[] = [
  // Odd characters in names.
  {
    name: 'an escaped NUL in a name',
    line: request('{"type":"create","msg_id":#,"name":"nul\\u0000name"}'),
    expect: okContaining('projection_created', '"name":"nul\\u0000name"'),
  },
  {
    name: 'lone surrogate escapes in a name and a state are answered, and echoed escaped',
    line: request(
      '{"type":"create","msg_id":#,"name":"lone\\ud800","initial_state":{"s":"\\udc00x","pair":"\\ud83d\\ude00"}}',
    ),
    expect: okContaining('projection_created', '"name":"lone\\ud800"'),
  },
  {
    name: 'reading the projection with a lone surrogate in its name',
    line: request('{"type":"read","msg_id":#,"projection":"lone\\ud800"}'),
    expect: okContaining('read_ok', '"projection":"lone\\ud800"', '"state":{"s":"\\udc00x","pair":"\u{1F600}"}'),
  },
  {
    name: 'a lone surrogate in event_data',
    line: request(
      '{"type":"update","msg_id":#,"projection":"lone\\ud800","event":{"event_type":"E","event_data":{"t":"\\udfff"}}}',
    ),
    expect: okContaining('projection_updated', '"state":{"s":"\\udc00x","pair":"\u{1F600}","t":"\\udfff"}'),
  },

  // Prototype keys are data, and prototype names are names.
  ...['__proto__', 'constructor', 'hasOwnProperty', 'toString'].flatMap((name): Case[] => [
    {
      name: `a projection named ${name}`,
      line: request(`{"type":"create","msg_id":#,"name":"${name}","initial_state":{}}`),
      expect: okContaining('projection_created', `"name":"${name}"`),
    },
    {
      name: `reading the projection named ${name}`,
      line: request(`{"type":"read","msg_id":#,"projection":"${name}"}`),
      expect: okContaining('read_ok', `"projection":"${name}","version":0,"state":{}`),
    },
  ]),
  {
    name: 'valueOf, never created, does not exist',
    line: request('{"type":"read","msg_id":#,"projection":"valueOf"}'),
    expect: error(20),
  },
  {
    name: 'deleting the projection named toString',
    line: request('{"type":"delete","msg_id":#,"projection":"toString"}'),
    expect: okContaining('delete_ok', '"projection":"toString"'),
  },
  {
    name: 'the projection named toString is gone',
    line: request('{"type":"read","msg_id":#,"projection":"toString"}'),
    expect: error(20),
  },
  {
    name: 'event_data with __proto__, constructor and prototype keys is stored as data',
    line: request(
      '{"type":"update","msg_id":#,"projection":"pp","event":{"event_type":"E","event_data":{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}},"prototype":{"polluted":3}}}}',
    ),
    expect: ok(
      'projection_updated',
      stateIs('[{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}},"prototype":{"polluted":3}}]'),
    ),
  },
  {
    name: 'an object state with prototype event types and keys',
    line: request(
      '{"type":"create","msg_id":#,"name":"pobj","initial_state":{"__proto__":{"a":1}},"handlers":{"Del":"remove","__proto__":"ignore","toString":"append"}}',
    ),
    expect: ok('projection_created'),
  },
  {
    name: 'an unlisted event type named constructor merges',
    line: request(
      '{"type":"update","msg_id":#,"projection":"pobj","event":{"event_type":"constructor","event_data":{"toString":"str","__proto__":{"b":2}}}}',
    ),
    expect: ok('projection_updated', stateIs('{"__proto__":{"b":2},"toString":"str"}')),
  },
  {
    name: 'the event type __proto__ is the ignore op it was given',
    line: request(
      '{"type":"update","msg_id":#,"projection":"pobj","event":{"event_type":"__proto__","event_data":{"c":3}}}',
    ),
    expect: ok('projection_updated', stateIs('{"__proto__":{"b":2},"toString":"str"}')),
  },
  {
    name: 'the event type toString is the append op it was given, refused on an object state',
    line: request(
      '{"type":"update","msg_id":#,"projection":"pobj","event":{"event_type":"toString","event_data":{"c":3}}}',
    ),
    expect: error(12, 'update: append needs an array state, but the state is an object'),
  },
  {
    name: 'removing the key __proto__',
    line: request(
      '{"type":"update","msg_id":#,"projection":"pobj","event":{"event_type":"Del","event_data":"__proto__"}}',
    ),
    expect: ok('projection_updated', stateIs('{"toString":"str"}')),
  },
  {
    name: 'a request field only inside a body __proto__ is not seen',
    line: request('{"type":"read","msg_id":#,"__proto__":{"projection":"sentinel"}}'),
    expect: error(12, 'read: projection is required'),
  },
  {
    name: 'a new object state carries none of those keys',
    line: request('{"type":"create","msg_id":#,"name":"fresh","initial_state":{}}'),
    expect: ok('projection_created'),
  },
  {
    name: 'reading the new object state',
    line: request('{"type":"read","msg_id":#,"projection":"fresh"}'),
    expect: ok('read_ok', stateIs('{}')),
  },
];

hostileCases('names', CASES, [
  'nul\u0000name',
  'lone\ud800',
  '__proto__',
  'constructor',
  'hasOwnProperty',
  'pp',
  'pobj',
  'fresh',
]);
