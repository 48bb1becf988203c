/** Memory at its limit: writes that would grow it wait (error 11), reads go on, nothing crashes. */
import { describe, expect, it } from 'vitest';
import { bodies, message, type ReplyBody } from '../../support/messages.js';
import { runNode } from '../../support/spawned-node.js';

/** Replies to a create of `objects` empty objects, then a list, on a 64 MiB heap, which must not end the node. */
async function denseCreateOnSmallHeap(objects: number): Promise<ReplyBody[]> {
  const dense = message(`{"type":"create","msg_id":1,"name":"d","initial_state":[${'{},'.repeat(objects - 1)}{}]}`);
  const result = await runNode(`${dense}\n${message('{"type":"list","msg_id":2}')}\n`, [], ['--max-old-space-size=64']);
  expect(result.signal, result.stderr.slice(-2000)).toBeNull();
  return bodies(result.stdout);
}

describe('a flood of creates on a small heap', () => {
  it('ends in error 11 for further writes, never in a crash, and reads and deletes still work', async () => {
    const creates = 25_000;
    const lines = [
      ...Array.from({ length: creates }, (_, i) =>
        message(
          `{"type":"create","msg_id":${i},"name":"p${i}","initial_state":{"n":${i},"pad":"${'x'.repeat(1800)}"}}`,
        ),
      ),
      message(`{"type":"read","msg_id":${creates},"projection":"p0"}`),
      message(`{"type":"delete","msg_id":${creates + 1},"projection":"p1"}`),
      message(
        `{"type":"update","msg_id":${creates + 2},"projection":"p2","event":{"event_type":"E","event_data":{"m":1}}}`,
      ),
    ];
    // Each create keeps about 2 KB: 25,000 of them need more than a 64 MiB heap holds, which without
    // admission would end the node with "heap out of memory".
    const result = await runNode(`${lines.join('\n')}\n`, [], ['--max-old-space-size=64']);
    expect(result.signal, result.stderr.slice(-2000)).toBeNull();
    expect(result.code).toBe(0);
    const replies = bodies(result.stdout);
    expect(replies).toHaveLength(creates + 3);
    const refused = replies.filter(({ code }) => code === 11);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]?.text).toMatch(
      /^create: no room under --max-memory-mb \(\d+ MiB\) for this write; delete projections or try again later$/,
    );
    // Every create is either done or refused with 11; once refused, the projection does not exist.
    expect(replies.slice(0, creates).every(({ type, code }) => type === 'projection_created' || code === 11)).toBe(
      true,
    );
    expect(replies[creates]).toMatchObject({ type: 'read_ok', version: 0, state: { n: 0 } });
    expect(replies[creates + 1]).toEqual({ type: 'delete_ok', in_reply_to: creates + 1, projection: 'p1' });
    // The delete may have made room again.
    expect([11, undefined]).toContain(replies[creates + 2]?.code);
    expect(['error', 'projection_updated']).toContain(replies[creates + 2]?.type);
  });

  it('refuses writes past --max-memory-mb, well before the heap limit', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) =>
      message(`{"type":"create","msg_id":${i},"name":"p${i}","initial_state":"${'y'.repeat(500)}"}`),
    );
    // 16 MiB leaves room above a fresh node's heap (its start-up garbage included) for the first creates.
    const result = await runNode(`${lines.join('\n')}\n`, ['--max-memory-mb', '16']);
    const replies = bodies(result.stdout);
    const created = replies.filter(({ type }) => type === 'projection_created').length;
    expect(result.code).toBe(0);
    expect(created).toBeGreaterThan(0);
    expect(created).toBeLessThan(20_000);
    // Each is done or refused; a collection may free room for a few more after the first refusal.
    expect(replies.every(({ type, code }) => type === 'projection_created' || code === 11)).toBe(true);
    expect(replies.findIndex(({ code }) => code === 11)).toBeGreaterThan(0);
  });

  it('stops reading a line whose values outgrow the heap, though its length alone would fit, and answers it', async () => {
    // 6 MB of empty objects: six bytes a character would fit in a 64 MiB heap, but each {} takes about 64.
    expect(await denseCreateOnSmallHeap(2_000_000)).toEqual([
      {
        type: 'error',
        in_reply_to: 1,
        code: 11,
        text: 'create: a message of 6 MiB, for which memory has no room now, was dropped part way through; try again later',
      },
      { type: 'list_ok', in_reply_to: 2, projections: [] },
    ]);
  });

  it('refuses a write whose values fit once but not in the copies it keeps, as one that can never be taken', async () => {
    // 1.2 MB of empty objects parse into about 26 MB; a create keeps two copies more, which a 64 MiB heap lacks.
    const replies = await denseCreateOnSmallHeap(400_000);
    expect(replies.map(({ code, type }) => code ?? type)).toEqual([12, 'list_ok']);
    expect(replies[0]?.text).toMatch(
      /^create: this write would take about \d+ MiB, more than --max-memory-mb \(\d+ MiB\) can ever hold$/,
    );
  });

  it('ends a flood of small creates of nested arrays in error 11, not in a crash', async () => {
    // Each create is just under the length at which admission weighs values, so it is estimated at eight
    // bytes a character; its arrays, in two copies, take about seven times that.
    const element = `${'['.repeat(990)}{}${']'.repeat(990)}`;
    const lines = Array.from({ length: 400 }, (_, i) =>
      message(`{"type":"create","msg_id":${i},"name":"p${i}","initial_state":[${Array(4).fill(element).join(',')}]}`),
    );
    expect(lines.every((line) => line.length <= 8064)).toBe(true);
    const result = await runNode(`${lines.join('\n')}\n`, [], ['--max-old-space-size=64']);
    expect(result.signal, result.stderr.slice(-2000)).toBeNull();
    const replies = bodies(result.stdout);
    expect(replies).toHaveLength(400);
    expect(replies.every(({ type, code }) => type === 'projection_created' || code === 11)).toBe(true);
    expect(replies.some(({ code }) => code === 11)).toBe(true);
  });

  it('stops a streamed rebuild whose one event outgrows the heap, and changes nothing', async () => {
    // One event of 6 MB of empty objects: the stream parses it whole, as one element, watching memory.
    const event = `{"event_type":"x","event_data":[${'{},'.repeat(2_000_000)}{}]}`;
    const lines = [
      message('{"type":"create","msg_id":1,"name":"p","initial_state":[]}'),
      message(`{"type":"rebuild","msg_id":2,"projection":"p","events":[${event}]}`),
      message('{"type":"read","msg_id":3,"projection":"p"}'),
    ];
    const result = await runNode(`${lines.join('\n')}\n`, [], ['--max-old-space-size=64']);
    expect(result.signal, result.stderr.slice(-2000)).toBeNull();
    const replies = bodies(result.stdout);
    expect(replies.map(({ code, type }) => code ?? type)).toEqual(['projection_created', 11, 'read_ok']);
    expect(replies[1]?.text).toBe(
      'rebuild: a message of 6 MiB, for which memory has no room now, was dropped part way through; try again later',
    );
    expect(replies[2]).toMatchObject({ version: 0, state: [] });
  });

  it('reads a large line of escapes into flat strings, within what six bytes a character allow', async () => {
    // 4 MB of "\n": decoded a piece at a time, the string was a tree of pieces, 32 bytes of heap each.
    const escapes = '\\n'.repeat(2_000_000);
    const create = message(`{"type":"create","msg_id":1,"name":"s","initial_state":"${escapes}"}`);
    const read = message('{"type":"describe","msg_id":2,"projection":"s"}');
    const result = await runNode(`${create}\n${read}\n`, [], ['--max-old-space-size=64']);
    expect(result.signal, result.stderr.slice(-2000)).toBeNull();
    const replies = bodies(result.stdout);
    expect(replies.map(({ type }) => type)).toEqual(['projection_created', 'describe_ok']);
    // The JSON of 2,000,000 newlines: each written back as two characters, in quotes.
    expect(replies[1]?.json_bytes).toBe(4_000_002);
  });

  it('refuses a single large write, or a line too large to read, before it can exhaust a small heap; a rebuild streams', async () => {
    const elements = Array.from({ length: 300_000 }, (_, id) => `{"id":${id},"v":"z"}`).join(',');
    const events = Array.from(
      { length: 250_000 },
      (_, i) => `{"event_type":"E","event_data":{"id":${i % 1000},"n":${i}}}`,
    );
    const result = await runNode(
      `${[
        message(`{"type":"create","msg_id":1,"name":"c","initial_state":[${elements}]}`),
        message(`{"type":"rebuild","msg_id":2,"projection":"r","events":[${events.join(',')}]}`),
        message(
          `{"type":"update","msg_id":3,"projection":"u","event":{"event_type":"E","event_data":[${events.join(',')}]}}`,
        ),
        message('{"type":"list","msg_id":4}'),
      ].join('\n')}\n`,
      [],
      ['--max-old-space-size=64'],
    );
    expect(result.signal, result.stderr.slice(-2000)).toBeNull();
    const replies = bodies(result.stdout);
    // Neither the create nor the update could ever fit this heap: error 12, not a "try again later".
    expect(replies.map(({ code, type }) => code ?? type)).toEqual([12, 'projection_rebuilt', 12, 'list_ok']);
    expect(replies[0]?.text).toMatch(
      /^create: this write would take about \d+ MiB, more than --max-memory-mb \(\d+ MiB\) can ever hold$/,
    );
    expect(replies[2]?.text).toMatch(
      /^update: a message of \d+ MiB, more than memory could ever hold, was dropped unread$/,
    );
    // The rebuild's events are applied as they arrive: memory holds a state of 1000 ids, not the line.
    expect(replies[3]).toEqual({ type: 'list_ok', in_reply_to: 4, projections: [{ name: 'r', version: 250_000 }] });
  });
});
