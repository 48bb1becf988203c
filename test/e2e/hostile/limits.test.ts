/** Limits: a bad request costs no more than a good one, and long strings never slow a lookup. */
import { describe, expect, it } from 'vitest';
import { MAX_MEMBERS } from '../../../src/json/value.js';
import { linesOf } from '../../support/lines.js';
import { bodies, message } from '../../support/messages.js';
import { SpawnedNode, runNode } from '../../support/spawned-node.js';

describe('a long invalid list', () => {
  it('is refused at its first bad element, in an error that names that one', async () => {
    const bad = Array.from({ length: 50_000 }, () => 1);
    const handlers = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`E${i}`, 'bogus']));
    const result = await runNode(
      `${[
        message(
          JSON.stringify({
            type: 'rebuild',
            msg_id: 1,
            projection: 'p',
            events: [{ event_type: 'E', event_data: 1 }, ...bad],
          }),
        ),
        message(JSON.stringify({ type: 'init', msg_id: 2, node_id: 'n1', node_ids: ['n1', ...bad.slice(0, 100)] })),
        message(JSON.stringify({ type: 'create', msg_id: 3, name: 'p', handlers })),
        message(JSON.stringify({ type: 'list', msg_id: 4 })),
      ].join('\n')}\n`,
    );
    expect(bodies(result.stdout)).toEqual([
      { type: 'error', in_reply_to: 1, code: 12, text: 'rebuild: events[1] must be an object, got number' },
      { type: 'error', in_reply_to: 2, code: 12, text: 'init: node_ids[1] must be a string, got number' },
      {
        type: 'error',
        in_reply_to: 3,
        code: 12,
        text: 'create: handlers.E0 must be one of merge, append, remove, replace, ignore',
      },
      { type: 'list_ok', in_reply_to: 4, projections: [] },
    ]);
  });
});

describe('a reader that does not read stderr', () => {
  it('costs dropped diagnostics, counted in one line each time the reader falls behind, and every request is still answered', async () => {
    const node = new SpawnedNode();
    node.child.stderr.pause();
    const garbage = 300_000;
    node.write(`${'garbage\n'.repeat(garbage)}${message('{"type":"list","msg_id":1}')}\n`);
    await node.waitForLines(1);
    node.child.stderr.resume();
    node.endInput();
    const result = await node.finished();
    expect(result.code).toBe(0);
    expect(bodies(result.stdout)).toEqual([{ type: 'list_ok', in_reply_to: 1, projections: [] }]);
    const lines = linesOf(result.stderr);
    const summary = /^… and (\d+) more diagnostic lines, dropped while stderr was not being read$/;
    // The reader fell behind at least once while the node still had lines to report.
    expect(lines.at(-1)).toMatch(summary);
    const dropped = lines.reduce((total, line) => total + Number(summary.exec(line)?.[1] ?? 0), 0);
    const logged = lines.filter((line) => /^line \d+: not JSON/.test(line));
    expect(logged.length + dropped).toBe(garbage);
    expect(logged.length).toBeLessThan(garbage / 2);
    expect(lines.length).toBe(logged.length + lines.filter((line) => summary.test(line)).length);
  });
});

describe('names', () => {
  it('are at most 1024 characters, projection names and event types alike', async () => {
    const name = (length: number): string => 'n'.repeat(length);
    const result = await runNode(
      `${[
        message(JSON.stringify({ type: 'create', msg_id: 1, name: name(1024) })),
        message(JSON.stringify({ type: 'create', msg_id: 2, name: name(1025) })),
        message(JSON.stringify({ type: 'read', msg_id: 3, projection: name(20_000) })),
        message(JSON.stringify({ type: 'create', msg_id: 4, name: 'h', handlers: { [name(1025)]: 'append' } })),
        message(JSON.stringify({ type: 'list', msg_id: 5 })),
      ].join('\n')}\n`,
    );
    expect(bodies(result.stdout)).toEqual([
      { type: 'projection_created', in_reply_to: 1, name: name(1024), version: 0 },
      { type: 'error', in_reply_to: 2, code: 12, text: 'create: name must be at most 1024 characters' },
      { type: 'error', in_reply_to: 3, code: 12, text: 'read: projection must be at most 1024 characters' },
      {
        type: 'error',
        in_reply_to: 4,
        code: 12,
        text: `create: handlers.${name(40)}… is an event type longer than 1024 characters`,
      },
      { type: 'list_ok', in_reply_to: 5, projections: [{ name: name(1024), version: 0 }] },
    ]);
  });
});

describe('an object of more than MAX_MEMBERS members', () => {
  it('is refused by the head of its line, streamed in a rebuild or not, and changes nothing', async () => {
    // Repeated names count as members as they are read: 25 MB of text, an object of one member.
    const members = (count: number): string => `{${'"a":0,'.repeat(count - 1)}"a":1}`;
    const result = await runNode(
      `${[
        message('{"type":"create","msg_id":1,"name":"p","initial_state":[]}'),
        message(`{"type":"create","msg_id":2,"name":"q","initial_state":${members(MAX_MEMBERS + 1)}}`),
        message(
          `{"type":"rebuild","msg_id":3,"projection":"p","events":[{"event_type":"E","event_data":${members(MAX_MEMBERS + 1)}}]}`,
        ),
        message(`{"type":"create","msg_id":4,"name":"r","initial_state":${members(MAX_MEMBERS)}}`),
        message('{"type":"list","msg_id":5}'),
      ].join('\n')}\n`,
    );
    const refused = `a message with an object of more than ${MAX_MEMBERS} members, more than the node can hold, was dropped`;
    expect(bodies(result.stdout)).toEqual([
      { type: 'projection_created', in_reply_to: 1, name: 'p', version: 0 },
      { type: 'error', in_reply_to: 2, code: 12, text: `create: ${refused}` },
      { type: 'error', in_reply_to: 3, code: 12, text: `rebuild: ${refused}` },
      { type: 'projection_created', in_reply_to: 4, name: 'r', version: 0 },
      {
        type: 'list_ok',
        in_reply_to: 5,
        projections: [
          { name: 'p', version: 0 },
          { name: 'r', version: 0 },
        ],
      },
    ]);
  });
});
