import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_NESTING } from '../../src/maelstrom/limits.js';
import { OPS } from '../../src/projections/ops.js';
import { serveProjections } from '../../src/serve.js';
import { cut } from '../support/chunks.js';
import { isObject } from '../support/json.js';
import { MISSING, mutatedField, objectOf, withoutMissing } from '../support/mutated-fields.js';
import { start } from '../support/in-process-node.js';

const json = fc.jsonValue({ maxDepth: 2 });
/** Nested arrays that put any message holding them over MAX_NESTING. */
const tooDeep = fc
  .integer({ min: MAX_NESTING, max: MAX_NESTING + 50 })
  .map((depth) => JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown);

/** A field that is usually valid (`validWeight` in `validWeight + 4`), else missing or any JSON value. */
const field = (valid: fc.Arbitrary<unknown>, validWeight = 16): fc.Arbitrary<unknown> =>
  mutatedField(valid, {
    valid: validWeight,
    missing: 1,
    wrong: [
      { weight: 2, arbitrary: json },
      { weight: 1, arbitrary: fc.constantFrom(null, '', 0, -1, 1.5, [], {}, true) },
    ],
  });

/** Few names, so requests meet the same projections; prototype names included. */
const name = fc.constantFrom('p', 'q', '', '__proto__', 'constructor', 'toString');
const eventType = fc.oneof(fc.constantFrom<string>(...OPS, 'E', '__proto__'), fc.string({ maxLength: 4 }));
const event = objectOf({
  event_type: field(eventType),
  event_data: field(fc.oneof(json, fc.record({ id: fc.integer({ min: 0, max: 3 }), v: json }))),
  event_id: fc.oneof(
    fc.constant(MISSING),
    field(fc.oneof(fc.integer({ min: 0, max: 5 }), fc.string({ maxLength: 2 }))),
  ),
});
const expectedVersion = fc.oneof(fc.constant(MISSING), field(fc.nat({ max: 4 })));
const handlers = fc.dictionary(eventType, fc.constantFrom<string>(...OPS, 'bogus'), { maxKeys: 3 });

/** The fields of each message type, valid or mutated. */
const bodies: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  create: objectOf({
    name: field(name),
    initial_state: fc.oneof(fc.constant(MISSING), json),
    handlers: fc.oneof(fc.constant(MISSING), field(handlers)),
    key: fc.oneof(fc.constant(MISSING), field(fc.constantFrom('id', 'k'))),
  }),
  update: objectOf({ projection: field(name), event: field(event), expected_version: expectedVersion }),
  rebuild: objectOf({
    projection: field(name),
    events: field(fc.array(field(event), { maxLength: 3 })),
    expected_version: expectedVersion,
  }),
  read: objectOf({ projection: field(name) }),
  list: objectOf({ extra: fc.oneof(fc.constant(MISSING), json) }),
  delete: objectOf({ projection: field(name) }),
  // Never a cluster (the node's id among two or more): it would forward to peers nobody plays here.
  init: objectOf({
    node_id: field(fc.constantFrom('n1', '')),
    node_ids: field(fc.constantFrom([], ['n1'], ['n2'], ['n2', 'n3'])),
  }),
  forward: objectOf({
    client: field(fc.constant('c1')),
    request: field(
      objectOf({ type: field(fc.constantFrom('read', 'list', 'forward', 'nope')), projection: field(name) }),
    ),
  }),
  unknown: objectOf({ anything: json }),
};

const body = fc
  .constantFrom(...Object.keys(bodies))
  .chain((type) =>
    fc.record({
      fields: bodies[type] as fc.Arbitrary<Record<string, unknown>>,
      type: field(fc.constant(type === 'unknown' ? 'nope' : type)),
      msg_id: fc.oneof(
        { weight: 6, arbitrary: fc.integer({ min: 0, max: 1000 }) },
        { weight: 3, arbitrary: field(fc.integer()) },
        { weight: 1, arbitrary: tooDeep },
      ),
      // Mostly absent: a body with in_reply_to is a reply, not a request.
      in_reply_to: fc.oneof(
        { weight: 10, arbitrary: fc.constant(MISSING) },
        { weight: 1, arbitrary: field(fc.integer({ min: 0, max: 3 })) },
      ),
      deep: fc.oneof({ weight: 20, arbitrary: fc.constant(MISSING) }, { weight: 1, arbitrary: tooDeep }),
    }),
  )
  .map(({ fields, type, msg_id, in_reply_to, deep }) => withoutMissing({ type, msg_id, ...fields, in_reply_to, deep }));

/** The envelope's fields are broken less often than the body's, so most messages reach a handler. */
const envelope = objectOf({
  src: field(fc.constantFrom('c1', 'c2'), 40),
  dest: field(fc.constant('n1'), 40),
  body: field(body, 40),
});

/** A line of text, encoded as UTF-8 (a lone surrogate becomes U+FFFD), with no newline in it. */
const textLine = fc
  .oneof(
    { weight: 12, arbitrary: envelope.map((message) => JSON.stringify(message)) },
    { weight: 1, arbitrary: fc.json({ maxDepth: 3 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    // Truncated.
    {
      weight: 1,
      arbitrary: envelope.chain((message) => fc.nat().map((at) => JSON.stringify(message).slice(0, at % 200))),
    },
    { weight: 1, arbitrary: envelope.map((message) => `\uFEFF${JSON.stringify(message)}\r`) },
  )
  .map((text) => Buffer.from(text.replaceAll('\n', ' ')));
/** Arbitrary bytes, mostly not UTF-8. */
const byteLine = fc
  .uint8Array({ maxLength: 40 })
  .map((bytes) => Buffer.from(bytes.map((byte) => (byte === 0x0a ? 0x20 : byte))));
const line = fc.oneof({ weight: 16, arbitrary: textLine }, { weight: 1, arbitrary: byteLine });

function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (isObject(value)) return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

/** What the node must do with one line, worked out independently of its code. */
type Expected = { reply: false; logged: boolean } | { reply: true; inReplyTo: string };

function expected(bytes: Buffer): Expected {
  const text = bytes.toString('utf8');
  let message: unknown;
  try {
    message = JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
  } catch {
    return { reply: false, logged: text.trim() !== '' };
  }
  if (!isObject(message) || typeof message.src !== 'string' || !isObject(message.body))
    return { reply: false, logged: true };
  const { body } = message;
  // A body with in_reply_to is a reply, however malformed; nobody here waits for one, so it is dropped with a log line.
  if (body.in_reply_to !== undefined) return { reply: false, logged: true };
  // A message nesting too deep is refused without echoing a msg_id that is an object or array.
  const echoed =
    depthOf(message) > MAX_NESTING && (isObject(body.msg_id) || Array.isArray(body.msg_id)) ? undefined : body.msg_id;
  return { reply: true, inReplyTo: echoed === undefined ? '-' : JSON.stringify(echoed) };
}

/** Runs the chunks through a fresh node serving projections; returns its output and log lines. */
async function serve(chunks: readonly Buffer[]): Promise<{ out: string[]; logs: string[] }> {
  const harness = start((node) => serveProjections(node, { rpcTimeoutMs: 1000 }));
  for (const chunk of chunks) harness.write(chunk);
  const out = await harness.finish();
  return { out, logs: harness.logs };
}

describe('the protocol layer on random and mutated input', () => {
  it('never throws, writes only envelopes, and answers each request exactly once, in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { minLength: 1, maxLength: 25 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (lines, offsets) => {
          const input = Buffer.concat(lines.flatMap((bytes) => [bytes, Buffer.from('\n')]));
          const { out, logs } = await serve(cut(input, offsets));

          const replies = out.map((text) => JSON.parse(text) as unknown);
          for (const reply of replies) {
            expect(isObject(reply) && Object.keys(reply)).toEqual(['src', 'dest', 'body']);
            const { src, dest, body } = reply as { src: unknown; dest: unknown; body: unknown };
            expect(typeof src).toBe('string');
            expect(typeof dest).toBe('string');
            expect(isObject(body) && typeof body.type).toBe('string');
            // Replies never carry a msg_id of their own, and nothing crashed inside a handler.
            expect((body as Record<string, unknown>).msg_id).toBeUndefined();
            expect((body as Record<string, unknown>).code).not.toBe(13);
          }

          const expectations = lines.map(expected);
          const wanted = expectations.flatMap((expectation) => (expectation.reply ? [expectation.inReplyTo] : []));
          const got = replies.map((reply) => {
            const inReplyTo = (reply as { body: Record<string, unknown> }).body.in_reply_to;
            return inReplyTo === undefined ? '-' : JSON.stringify(inReplyTo);
          });
          expect(got).toEqual(wanted);

          // Each line that gets no reply and is not blank is logged once, by its number; no other lines are.
          const loggedLines = logs.map((text) => Number(/^line (\d+): /.exec(text)?.[1]));
          const wantedLogs = expectations.flatMap((expectation, index) =>
            !expectation.reply && expectation.logged ? [index + 1] : [],
          );
          expect(loggedLines).toEqual(wantedLogs);
        },
      ),
      { numRuns: 150 },
    );
  });
});
