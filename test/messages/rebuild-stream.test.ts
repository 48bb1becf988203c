/** A rebuild line that streams gets the replies the same line read whole gets. */
import { describe, expect, it } from 'vitest';
import { BATCH_CHARS } from '../../src/json/array-stream.js';
import { MemoryGuard } from '../../src/messages/memory.js';
import { serveProjections } from '../../src/serve.js';
import { cut } from '../support/chunks.js';
import { start } from '../support/in-process-node.js';
import { bodies, message } from '../support/messages.js';

const EVENTS = 3000;

/** `count` events over 100 ids, each about 60 characters: 3000 of them pass 64 KiB, and several batches. */
function events(count: number, at: (index: number) => string | undefined = () => undefined): string {
  const list: string[] = [];
  for (let i = 0; i < count; i++) {
    list.push(at(i) ?? `{"event_type":"E","event_id":"e${i % 2900}","event_data":{"id":${i % 100},"n":${i}}}`);
  }
  return list.join(',');
}

const create = message('{"type":"create","msg_id":1,"name":"p","initial_state":[],"handlers":{"Gone":"remove"}}');
const seed = message(
  '{"type":"update","msg_id":2,"projection":"p","event":{"event_type":"E","event_data":{"id":"old"}}}',
);
const read = message('{"type":"read","msg_id":4,"projection":"p"}');

/** One rebuild of p after a create and an update, then a read; its body fields around `events` as given. */
const rebuildCase = (events: string, before = '', after = '') => [
  create,
  seed,
  message(`{"type":"rebuild","msg_id":3,"projection":"p",${before}"events":[${events}]${after}}`),
  read,
];

interface Run {
  readonly out: string[];
  readonly logs: string[];
}

/**
 * Runs lines through a node: read whole (by a node that rewrites its lines, as a terminal's
 * does, and so streams none), or cut into pieces of `size` bytes, or at the offsets `size` lists (long lines stream).
 */
async function run(
  lines: readonly string[],
  size?: number | readonly number[],
  maxLineBytes?: number,
  clock?: () => number,
  memory?: MemoryGuard,
): Promise<Run> {
  const logs: string[] = [];
  const settings = {
    rpcTimeoutMs: 1000,
    log: (line: string) => logs.push(line),
    ...(clock ? { progressClock: clock } : {}),
  };
  const harness = start(
    (node) => serveProjections(node, { ...settings, ...(memory ? { memory } : {}) }),
    maxLineBytes,
    size === undefined ? { rewriteLine: (line) => line } : {},
  );
  const input = Buffer.from(`${lines.join('\n')}\n`);
  if (size === undefined) harness.write(input);
  else {
    const offsets =
      typeof size === 'number'
        ? Array.from({ length: Math.ceil(input.length / size) }, (_, i) => i * size + ((i * 7919) % size))
        : size;
    // A turn of the event loop apiece, so that the node reads each chunk by itself.
    for (const chunk of cut(input, offsets)) {
      harness.write(chunk);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return { out: await harness.finish(), logs: [...harness.logs, ...logs] };
}

const CASES: Record<string, string[]> = {
  'valid, with repeated event ids': rebuildCase(events(EVENTS)),
  'a bad event at the last index': rebuildCase(
    events(EVENTS, (i) => (i === EVENTS - 1 ? '{"event_type":7}' : undefined)),
  ),
  'an event the state refuses at the last index': rebuildCase(
    events(EVENTS, (i) => (i === EVENTS - 1 ? '{"event_type":"Gone","event_data":{"no":"id"}}' : undefined)),
  ),
  'a stale expected_version after the events': rebuildCase(
    events(EVENTS, (i) => (i === 5 ? '{"event_type":7}' : undefined)),
    '',
    ',"expected_version":9',
  ),
  'expected_version after the events': rebuildCase(events(EVENTS), '', ',"expected_version":1'),
  'a bad projection and a bad event': rebuildCase(
    events(EVENTS, (i) => (i === 10 ? '1' : undefined)),
    '',
    ',"projection":5',
  ),
  'on_error skip': rebuildCase(
    events(EVENTS, (i) => (i % 500 === 3 ? '{"event_type":"Gone","event_data":{}}' : i % 700 === 1 ? '[]' : undefined)),
    '"on_error":"skip",',
  ),
  'on_error skip after the events': rebuildCase(
    events(EVENTS, (i) => (i % 30 === 3 ? '{"event_type":"E"}' : undefined)),
    '',
    ',"on_error":"skip"',
  ),
  'a bad on_error': rebuildCase(events(EVENTS), '"on_error":"ignore",'),
  'exact numbers': rebuildCase(
    events(EVENTS, (i) =>
      i === 2000 ? '{"event_type":"E","event_data":{"id":9007199254740993,"v":1e400}}' : undefined,
    ),
  ),
  'an event nested too deep': rebuildCase(
    events(EVENTS, (i) =>
      i === 2500 ? `{"event_type":"E","event_data":${'['.repeat(1000)}${']'.repeat(1000)}}` : undefined,
    ),
  ),
  'events given again after them': rebuildCase(
    events(EVENTS),
    '',
    ',"events":[{"event_type":"E","event_data":{"id":1}}]',
  ),
  'not JSON in an event': rebuildCase(events(EVENTS, (i) => (i === 2000 ? '{"event_type":"E",}' : undefined))),
  'no msg_id': [create, message(`{"type":"rebuild","projection":"p","events":[${events(EVENTS)}]}`), read],
};

describe('a rebuild whose line streams', () => {
  for (const [name, lines] of Object.entries(CASES)) {
    it(`gets the replies the whole line gets: ${name}`, async () => {
      const whole = await run(lines);
      // Past the cap, so that only a line that streams is read at all.
      const streamed = await run(lines, 1000, 100_000);
      expect(streamed.out).toEqual(whole.out);
      expect(streamed.out.length).toBeGreaterThanOrEqual(lines.length - 1);
    });
  }

  it('is all or nothing: a bad event at the last index leaves the projection as it was', async () => {
    const { out } = await run(CASES['an event the state refuses at the last index'] as string[], 4096);
    const [, , rebuilt, state] = bodies(out);
    expect(rebuilt).toEqual({
      type: 'error',
      in_reply_to: 3,
      code: 12,
      text: `rebuild: events[${EVENTS - 1}]: remove needs event_data to be an object with the key "id"`,
    });
    expect(state).toEqual({ type: 'read_ok', in_reply_to: 4, projection: 'p', version: 1, state: [{ id: 'old' }] });
  });

  it('counts its events in stats, as a rebuild read whole does', async () => {
    const lines = [...(CASES['valid, with repeated event ids'] as string[]), message('{"type":"stats","msg_id":5}')];
    const [whole, streamed] = [bodies((await run(lines)).out), bodies((await run(lines, 1000, 100_000)).out)];
    expect(streamed[2]).toEqual(whole[2]);
    const processed = (whole[2] as unknown as { events_processed: number }).events_processed;
    expect(processed).toBeGreaterThan(0);
    for (const replies of [whole, streamed]) expect(replies[4]).toMatchObject({ events_applied: 1 + processed });
  });

  it('keeps numbers exact', async () => {
    const { out } = await run(CASES['exact numbers'] as string[], 4096);
    expect(out[3]).toContain('{"id":9007199254740993,"v":1e400}');
  });

  it('skips bad events with on_error "skip": counted, the first 100 named, the version counts the events applied', async () => {
    const lines = rebuildCase(
      events(EVENTS, (i) => (i % 20 === 0 ? '{"event_type":"Gone","event_data":{}}' : undefined)),
      '"on_error":"skip",',
    );
    const [, , rebuilt] = bodies((await run(lines, 4096)).out);
    const gone = 'remove needs event_data to be an object with the key "id"';
    expect(rebuilt).toMatchObject({ type: 'projection_rebuilt', skipped: EVENTS / 20 });
    // 2900 distinct ids: events 2900 and on repeat ids of earlier ones, and are passed over as duplicates.
    expect(rebuilt?.events_processed).toBe(2900 - 2900 / 20);
    expect(rebuilt?.version).toBe(rebuilt?.events_processed);
    const listed = rebuilt?.skipped_events as { index: number; text: string }[];
    expect(listed).toHaveLength(100);
    expect(listed[1]).toEqual({ index: 20, text: `events[20]: ${gone}` });
  });

  it('is answered when its line is longer than --max-line-bytes, which a line read whole is not', async () => {
    const lines = rebuildCase(events(EVENTS));
    const { out } = await run(lines, 4096, 10_000);
    expect(bodies(out).map(({ type, code }) => code ?? type)).toEqual([
      'projection_created',
      'projection_updated',
      'projection_rebuilt',
      'read_ok',
    ]);
    const overCap = await run(
      [
        create,
        message(
          `{"type":"update","msg_id":2,"projection":"p","event":{"event_type":"E","event_data":[${events(EVENTS)}]}}`,
        ),
      ],
      4096,
      10_000,
    );
    expect(bodies(overCap.out)[1]).toMatchObject({ code: 12 });
  });

  it('streams when it passes 64 KiB, even within one read', async () => {
    const lines = rebuildCase(events(EVENTS));
    const oneRead = Buffer.byteLength(`${lines.join('\n')}\n`);
    // Over the cap: read whole, it would be dropped with error 12.
    const { out } = await run(lines, oneRead, 100_000);
    expect(bodies(out).map(({ type, code }) => code ?? type)).toEqual([
      'projection_created',
      'projection_updated',
      'projection_rebuilt',
      'read_ok',
    ]);
    expect(out).toEqual((await run(lines)).out);
  });

  it('streams whatever its length past the limit and wherever the reads cut it', async () => {
    /** A create, then a rebuild line of exactly `bytes` bytes (an event padded to fit), then a read. */
    const sized = (bytes: number) => {
      const line = (pad: string) =>
        message(
          `{"type":"rebuild","msg_id":2,"projection":"p","events":[${events(20)},{"event_type":"E","event_data":{"id":"pad","s":"${pad}"}}]}`,
        );
      const rebuild = line('x'.repeat(bytes - Buffer.byteLength(line(''))));
      expect(Buffer.byteLength(rebuild)).toBe(bytes);
      return [create, rebuild, read];
    };
    const types = (out: string[]) => bodies(out).map(({ type, code }) => code ?? type);
    const rebuilt = ['projection_created', 'projection_rebuilt', 'read_ok'];
    for (const bytes of [65_537, 100_000, 131_071, 131_072]) {
      const lines = sized(bytes);
      // In one read, with a cap over a block but under the line.
      expect(types((await run(lines, Buffer.byteLength(`${lines.join('\n')}\n`), 70_000)).out)).toEqual(rebuilt);
    }
    const lines = sized(5000);
    const lineStart = Buffer.byteLength(`${create}\n`);
    // Cut 50 bytes in (before its array starts) and 300 bytes in, under a cap of 1000.
    for (const cutAt of [50, 300]) expect(types((await run(lines, [0, lineStart + cutAt], 1000)).out)).toEqual(rebuilt);
  });

  it('is logged, not answered, when it is not JSON', async () => {
    const { out, logs } = await run(CASES['not JSON in an event'] as string[], 4096);
    expect(bodies(out).map(({ type }) => type)).toEqual(['projection_created', 'projection_updated', 'read_ok']);
    expect(logs.some((line) => /^line 3: not JSON \(.*\): "\{\\"src\\":\\"c1\\"/.test(line))).toBe(true);
  });

  it('writes a progress line a second once it has run 2 s, from a clock read once per batch', async () => {
    let now = 0;
    let reads = 0;
    const clock = () => {
      reads++;
      now += 400;
      return now;
    };
    const { logs } = await run(rebuildCase(events(30_000)), 65_536, undefined, clock);
    const progress = logs.filter((line) => line.startsWith('rebuild of "p"'));
    // One read per batch and one at the start, against 30,000 events.
    expect(reads).toBeLessThanOrEqual(Math.ceil(events(30_000).length / BATCH_CHARS) + 2);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.length).toBeLessThanOrEqual(Math.floor((now - 2000) / 1000) + 1);
    expect(progress[0]).toMatch(/^rebuild of "p": \d+ events applied, \d+ bytes read, \d+ events\/s$/);
  });

  it('writes progress lines for a rebuild read whole too, told every 4096 events', async () => {
    let now = 0;
    const clock = () => {
      now += 1500;
      return now;
    };
    const { logs } = await run(rebuildCase(events(30_000)), undefined, undefined, clock);
    const progress = logs.filter((line) => line.startsWith('rebuild of "p"'));
    // The clock is read at the start (1500) and after each of the 7 whole batches (3000, 4500, …): every
    // read from the second batch on is past the next line's time. The events' 2900 distinct ids all
    // come in the first batch; the rest are repeats, not applied.
    expect(progress.length).toBe(6);
    expect(progress[0]).toMatch(/^rebuild of "p": 2900 events applied, \d+ bytes read, 967 events\/s$/);
  });

  it('is error 11, and changes nothing, once memory has no room for its next batch', async () => {
    const memory = new MemoryGuard(
      64 * 2 ** 20,
      () => 2 ** 40,
      () => {},
    );
    const [rebuild, read] = (rebuildCase(events(EVENTS)) as [string, string, string, string]).slice(2);
    const [rebuilt, state] = bodies(
      (await run([rebuild as string, read as string], 4096, 100_000, undefined, memory)).out,
    );
    expect(rebuilt).toMatchObject({ type: 'error', in_reply_to: 3, code: 11 });
    expect(rebuilt?.text).toMatch(/^rebuild: no room under --max-memory-mb \(64 MiB\)/);
    expect(state).toMatchObject({ type: 'error', code: 20 });
  });

  it('is error 12 when projection is given again after events with another name', async () => {
    const lines = rebuildCase(events(EVENTS), '', ',"projection":"q"');
    const [, , rebuilt] = bodies((await run(lines, 4096, 100_000)).out);
    expect(rebuilt).toEqual({
      type: 'error',
      in_reply_to: 3,
      code: 12,
      text: 'rebuild: projection is given twice, with different values',
    });
  });
});
