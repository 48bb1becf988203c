/**
 * Duplicate keys in a message: the last value wins, at the first key's position.
 */
import { type Case, hostileCases, ok, SENTINEL_STATE, stateIs } from '../../support/hostile-cases.js';
import { request } from '../../support/messages.js';

const CASES: readonly Case[] = [
  {
    name: 'a repeated projection field',
    line: request('{"type":"read","msg_id":#,"projection":"nope","projection":"sentinel"}'),
    expect: ok('read_ok', stateIs(SENTINEL_STATE)),
  },
  {
    name: 'a repeated msg_id',
    line: request('{"type":"read","msg_id":"first","projection":"sentinel","msg_id":#}'),
    expect: ok('read_ok'),
  },
  {
    name: 'a repeated type',
    line: request('{"type":"delete","msg_id":#,"projection":"sentinel","type":"read"}'),
    expect: ok('read_ok', stateIs(SENTINEL_STATE)),
  },
  {
    name: 'repeated keys in data keep the first position and the last value, big numbers too',
    line: request('{"type":"create","msg_id":#,"name":"dups","initial_state":{"a":1,"b":2,"a":9007199254740993}}'),
    expect: ok('projection_created'),
  },
  {
    name: 'reading the repeated keys',
    line: request('{"type":"read","msg_id":#,"projection":"dups"}'),
    expect: ok('read_ok', stateIs('{"a":9007199254740993,"b":2}')),
  },
];

hostileCases('duplicate-keys', CASES, ['dups']);
