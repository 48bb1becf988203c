/** A request succeeds or changes nothing: checked against a model that applies only what succeeded. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryGuard } from '../../src/messages/memory.js';
import { OPS, type Op } from '../../src/projections/ops.js';
import { serveProjections } from '../../src/serve.js';
import { bodies, requestLines, type ReplyBody } from '../support/messages.js';
import { exchange, start } from '../support/in-process-node.js';
import { referenceApply } from '../support/reference.js';

/** A state limit small enough for generated writes to pass it now and then. */
const MAX_STATE_JSON = 300;

const run = async (requests: readonly object[], maxStateJson = MAX_STATE_JSON): Promise<ReplyBody[]> => {
  const { out } = await exchange(requestLines(requests, 0), (node) =>
    serveProjections(node, { rpcTimeoutMs: 1000, maxStateJson }),
  );
  return bodies(out);
};

describe('a write that would make a state too long to reply with', () => {
  it('is refused before anything changes, and the projection stays readable', async () => {
    const big = 'x'.repeat(200);
    const replies = await run([
      { type: 'update', projection: 'a', event: { event_type: 'E', event_id: 'e1', event_data: { id: 1, big } } },
      { type: 'update', projection: 'a', event: { event_type: 'E', event_id: 'e2', event_data: { id: 2, big } } },
      { type: 'create', name: 'o', initial_state: { big } },
      { type: 'create', name: 'o2', initial_state: { big, more: big } },
      { type: 'rebuild', projection: 'o', events: [{ event_type: 'E', event_data: { more: big } }] },
      { type: 'read', projection: 'a' },
      { type: 'read', projection: 'o' },
      { type: 'update', projection: 'a', event: { event_type: 'E', event_id: 'e2', event_data: { id: 2 } } },
      { type: 'list' },
    ]);
    const tooLong = `the state's JSON would be longer than ${MAX_STATE_JSON} characters, the most a reply can carry`;
    expect(replies.map(({ type, code, text }) => (type === 'error' ? `${code}: ${text}` : type))).toEqual([
      'projection_updated',
      `12: update: ${tooLong}`,
      'projection_created',
      `12: create: ${tooLong}`,
      `12: rebuild: ${tooLong}`,
      'read_ok',
      'read_ok',
      // The refused e2 was never applied, so it is no duplicate.
      'projection_updated',
      'list_ok',
    ]);
    expect(replies[5]).toMatchObject({ version: 1, state: [{ id: 1, big }] });
    expect(replies[6]).toMatchObject({ version: 0, state: { big } });
    expect(replies[7]).toMatchObject({ version: 2, state: [{ id: 1, big }, { id: 2 }] });
    expect(replies[8]).toEqual({
      type: 'list_ok',
      in_reply_to: 8,
      projections: [
        { name: 'a', version: 2 },
        { name: 'o', version: 0 },
      ],
    });
  });
});

describe('a redelivery while memory is past --max-memory-mb', () => {
  it('is answered as the duplicate it is, since it takes no memory; a new event gets error 11', async () => {
    let inUse = 0;
    const memory = new MemoryGuard(
      64 * 2 ** 20,
      () => inUse,
      () => {},
    );
    const harness = start((node) => serveProjections(node, { rpcTimeoutMs: 1000, memory }));
    const update = (id: string, pad = '') => ({
      type: 'update',
      projection: 'p',
      event: { event_type: 'E', event_id: id, event_data: { pad } },
    });
    harness.send(...requestLines([{ type: 'create', name: 'p', initial_state: {} }, update('e1')]));
    await harness.output.waitFor(2);
    inUse = 2 ** 40;
    // A write this large is measured by itself, and finds memory full.
    const large = update('e0', 'x'.repeat(10_000));
    harness.send(...requestLines([large, update('e1'), update('e2'), { type: 'read', projection: 'p' }], 3));
    const replies = bodies(await harness.finish()).slice(2);
    expect(replies.map(({ type, code, version, duplicate }) => [type, code ?? version, duplicate])).toEqual([
      ['error', 11, undefined],
      ['projection_updated', 1, true],
      ['error', 11, undefined],
      ['read_ok', 1, undefined],
    ]);
  });
});

describe('the limit on a state', () => {
  it('refuses only a write whose state would pass it, however many writes came before', async () => {
    // Each line allows for about 600 characters of growth, so the allowances pass 5,000 by the
    // ninth write; a state that stays short must still take every write, and one that grows
    // must take writes until its JSON itself would pass the limit.
    const max = 5000;
    const merges = Array.from({ length: 60 }, (_, n) => ({
      type: 'update',
      projection: 'o',
      event: { event_type: 'E', event_data: { n } },
    }));
    const appends = Array.from({ length: 60 }, (_, n) => ({
      type: 'update',
      projection: 'a',
      event: { event_type: 'E', event_data: { id: n, pad: 'x'.repeat(80) } },
    }));
    const replies = await run([{ type: 'create', name: 'o', initial_state: {} }, ...merges, ...appends], max);
    expect(replies.slice(1, 61).map(({ type }) => type)).toEqual(Array(60).fill('projection_updated'));
    expect(replies[60]).toMatchObject({ version: 60, state: { n: 59 } });
    const taken = replies.slice(61).filter(({ type }) => type === 'projection_updated') as ReplyBody[];
    const element = (id: number) => ({ id, pad: 'x'.repeat(80) });
    // Taken in order until the next element would pass the limit; each later one is refused.
    const fits = (count: number) => JSON.stringify(Array.from({ length: count }, (_, id) => element(id))).length <= max;
    let count = 0;
    while (fits(count + 1)) count++;
    expect(taken.length).toBe(count);
    expect(taken.at(-1)?.state).toEqual(Array.from({ length: count }, (_, id) => element(id)));
    expect(replies.slice(61 + count).every(({ type, code }) => type === 'error' && code === 12)).toBe(true);
  });
});

interface ModelProjection {
  initial: unknown;
  ops: Map<string, Op>;
  state: unknown;
  version: number;
  ids: Set<string>;
}

const copy = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;
const name = fc.constantFrom('p', 'q');
const eventType = fc.constantFrom<string>(...OPS, 'E');
const data = fc.oneof(
  fc.record({ id: fc.integer({ min: 0, max: 4 }), v: fc.string({ maxLength: 60 }) }),
  fc.string({ maxLength: 3 }),
  fc.integer(),
);
const event = fc.record({
  event_type: eventType,
  event_data: data,
  event_id: fc.option(fc.constantFrom('a', 'b', 'c', 'd', 1, 2), { nil: undefined }),
});
const expectedVersion = fc.option(fc.nat({ max: 5 }), { nil: undefined });
const request = fc.oneof(
  fc.record({
    type: fc.constant('create'),
    name,
    initial_state: fc.constantFrom([], {}, 's'),
    handlers: fc.dictionary(eventType, fc.constantFrom<Op>(...OPS), { maxKeys: 2 }),
  }),
  fc.record({ type: fc.constant('update'), projection: name, event, expected_version: expectedVersion }),
  fc.record({
    type: fc.constant('rebuild'),
    projection: name,
    events: fc.array(event, { maxLength: 6 }),
    expected_version: expectedVersion,
  }),
  fc.record({ type: fc.constant('delete'), projection: name }),
);

/** Applies a request the node said succeeded; throws where the model says it could not have. */
function applySucceeded(model: Map<string, ModelProjection>, body: Record<string, unknown>, reply: ReplyBody): void {
  const fresh = (initial: unknown, ops: Record<string, Op> = {}): ModelProjection => ({
    initial: copy(initial),
    ops: new Map(Object.entries(ops)),
    state: copy(initial),
    version: 0,
    ids: new Set(),
  });
  const apply = (
    projection: ModelProjection,
    state: unknown,
    e: { event_type: string; event_data: unknown },
  ): unknown => referenceApply(state, projection.ops.get(e.event_type) ?? 'merge', copy(e.event_data));
  switch (body.type) {
    case 'create':
      expect(model.has(body.name as string)).toBe(false);
      model.set(body.name as string, fresh(body.initial_state, body.handlers as Record<string, Op>));
      return;
    case 'delete':
      expect(model.delete(body.projection as string)).toBe(true);
      return;
    case 'update': {
      const projection = model.get(body.projection as string) ?? fresh([]);
      model.set(body.projection as string, projection);
      const e = body.event as { event_type: string; event_data: unknown; event_id?: unknown };
      const id = e.event_id === undefined ? undefined : JSON.stringify(e.event_id);
      if (id !== undefined && projection.ids.has(id)) {
        expect(reply.duplicate).toBe(true);
        return;
      }
      projection.state = apply(projection, projection.state, e);
      if (id !== undefined) projection.ids.add(id);
      projection.version++;
      return;
    }
    case 'rebuild': {
      const projection = model.get(body.projection as string) ?? fresh([]);
      model.set(body.projection as string, projection);
      let state = copy(projection.initial);
      const ids = new Set<string>();
      for (const e of body.events as { event_type: string; event_data: unknown; event_id?: unknown }[]) {
        const id = e.event_id === undefined ? undefined : JSON.stringify(e.event_id);
        if (id !== undefined && ids.has(id)) continue;
        if (id !== undefined) ids.add(id);
        state = apply(projection, state, e);
      }
      projection.state = state;
      projection.ids = ids;
      projection.version = reply.events_processed as number;
    }
  }
}

describe('after any mix of requests, some failing', () => {
  it('the node holds what a model holds that applied only the requests that succeeded', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 40 }), async (requests) => {
        const names = ['p', 'q'];
        const replies = await run([
          ...requests,
          { type: 'list' },
          ...names.map((projection) => ({ type: 'read', projection })),
        ]);
        const model = new Map<string, ModelProjection>();
        requests.forEach((body, index) => {
          const reply = replies[index] as ReplyBody;
          if (reply.type !== 'error') applySucceeded(model, body as Record<string, unknown>, reply);
        });
        const listed = replies[requests.length]?.projections as { name: string; version: number }[];
        expect(new Map(listed.map(({ name: n, version }) => [n, version]))).toEqual(
          new Map([...model].map(([n, projection]) => [n, projection.version])),
        );
        names.forEach((n, index) => {
          const read = replies[requests.length + 1 + index] as ReplyBody;
          const projection = model.get(n);
          if (!projection) expect(read.code).toBe(20);
          else expect(read).toMatchObject({ version: projection.version, state: projection.state });
        });
      }),
      { numRuns: 200 },
    );
  });
});
