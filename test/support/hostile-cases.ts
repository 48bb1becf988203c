/**
 * Hostile input, end to end, as tables of cases: the node never crashes, never loses
 * data, and answers every request exactly once. One node reads the lines of a whole
 * table, each followed by a read of a sentinel projection that nothing may change.
 * Run `npm run build` first: bin/projection-node runs dist/.
 *
 * A topic's test file is its table and one call of `hostileCases`. To add a case, add a
 * line and what it must get to a table: cases run in order on one node, so a case may
 * read what an earlier one in its table created. List what it creates in the call.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { linesOf } from './lines.js';
import { message } from './messages.js';
import { runNode, type NodeResult } from './spawned-node.js';

/** The state of the projection every case is followed by a read of; nothing may change it. */
export const SENTINEL_STATE = '{"kept":[1,"two",{"three":3}],"big":9007199254740993,"huge":1e400}';
const SETUP = [message(`{"type":"create","msg_id":1,"name":"sentinel","initial_state":${SENTINEL_STATE}}`)];
const SENTINEL_BASE = 1_000_000;
/** A read of the sentinel projection, with this msg_id. */
export const sentinelRead = (id: number): string => message(`{"type":"read","msg_id":${id},"projection":"sentinel"}`);
const sentinelReply = (id: number): string =>
  `{"src":"n1","dest":"c1","body":{"type":"read_ok","in_reply_to":${id},"projection":"sentinel","version":0,"state":${SENTINEL_STATE}}}`;

export interface Reply {
  /** The line as the node wrote it. */
  readonly raw: string;
  readonly body: Record<string, unknown>;
}

export type Expectation =
  /** No reply; `logged`: stderr names the line. */
  | { readonly kind: 'none'; readonly logged: boolean }
  /** One error reply; `inReplyTo` is raw JSON, `null` for none, the case's id if left out. */
  | {
      readonly kind: 'error';
      readonly code: number;
      readonly text?: string | RegExp;
      readonly inReplyTo?: string | null;
    }
  /** One reply of this type; `check` looks further. */
  | { readonly kind: 'ok'; readonly type: string; readonly check?: (reply: Reply) => void };

export interface Case {
  readonly name: string;
  /** The line without its newline, given the case's msg_id. */
  readonly line: (id: number) => string | Buffer;
  readonly expect: Expectation;
}

/** No reply, and one stderr line that names the line. */
export const unanswerable: Expectation = { kind: 'none', logged: true };
/** No reply, and nothing on stderr: a blank line. */
export const ignored: Expectation = { kind: 'none', logged: false };
/** One error reply with this code, its text equal to `text` or matching it; `inReplyTo` as in Expectation. */
export const error = (code: number, text?: string | RegExp, inReplyTo?: string | null): Expectation => ({
  kind: 'error',
  code,
  text,
  inReplyTo,
});
/** One reply of this type; `check` looks further. */
export const ok = (type: string, check?: (reply: Reply) => void): Expectation => ({ kind: 'ok', type, check });
/** A reply whose raw text contains each fragment, e.g. exact number digits. */
export const okContaining = (type: string, ...fragments: string[]): Expectation =>
  ok(type, ({ raw }) => {
    for (const fragment of fragments) expect(raw).toContain(fragment);
  });
/** Checks that the reply's state, as the node wrote it, is exactly `state`. */
export const stateIs =
  (state: string): ((reply: Reply) => void) =>
  ({ raw }) =>
    expect(raw).toMatch(new RegExp(`,"state":${escapeRegExp(state)}(,"duplicate":true)?\\}\\}$`));
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const FINAL_LIST_ID = 999;
/** The msg_id of the case at `index` in its table. */
const caseId = (index: number): number => 1000 + index;

interface Battery {
  readonly result: NodeResult;
  /** The output lines answering each case, between its sentinel and the one before. */
  readonly segments: readonly (readonly string[])[];
  /** Each case's line number. */
  readonly lineNumbers: readonly number[];
  readonly sentinelReplies: readonly (string | undefined)[];
  readonly afterSentinels: readonly string[];
}

async function runBattery(cases: readonly Case[]): Promise<Battery> {
  const lines: (string | Buffer)[] = [...SETUP];
  const lineNumbers: number[] = [];
  cases.forEach((testCase, index) => {
    lines.push(testCase.line(caseId(index)));
    lineNumbers.push(lines.length);
    lines.push(sentinelRead(SENTINEL_BASE + index));
  });
  lines.push(message(`{"type":"list","msg_id":${FINAL_LIST_ID}}`));
  for (const line of lines) expect(Buffer.from(line).includes(0x0a)).toBe(false);
  const result = await runNode(lines.flatMap((line) => [Buffer.from(line), Buffer.from('\n')]));

  const segments: string[][] = [];
  const sentinelReplies: (string | undefined)[] = [];
  let segment: string[] = [];
  let next = 0;
  for (const raw of result.stdout.slice(SETUP.length)) {
    const inReplyTo = (JSON.parse(raw) as { body?: { in_reply_to?: unknown } }).body?.in_reply_to;
    if (next < cases.length && inReplyTo === SENTINEL_BASE + next) {
      segments.push(segment);
      sentinelReplies.push(raw);
      segment = [];
      next++;
    } else {
      segment.push(raw);
    }
  }
  return { result, segments, lineNumbers, sentinelReplies, afterSentinels: segment };
}

/** Checks the replies to one case, the output lines between its sentinel read and the one before. */
function checkCase(testCase: Case, index: number, segment: readonly string[] | undefined): void {
  const { expect: expectation } = testCase;
  expect(segment, 'the sentinel read after this case was answered').toBeDefined();
  const replies = (segment ?? []).map(
    (raw): Reply => ({ raw, body: (JSON.parse(raw) as { body: Record<string, unknown> }).body }),
  );
  if (expectation.kind === 'none') {
    expect(replies).toEqual([]);
    return;
  }
  expect(replies).toHaveLength(1);
  const reply = replies[0] as Reply;
  const id = String(caseId(index));
  if (expectation.kind === 'error') {
    const { inReplyTo: wanted } = expectation;
    const inReplyTo = wanted === undefined ? id : wanted === null ? null : wanted.replaceAll('#', id);
    const head =
      inReplyTo === null
        ? '"body":{"type":"error","code":'
        : `"body":{"type":"error","in_reply_to":${inReplyTo},"code":`;
    expect(reply.raw).toContain(`,"dest":"c1",${head}${expectation.code},"text":`);
    expect(reply.body.code).toBe(expectation.code);
    if (typeof expectation.text === 'string') expect(reply.body.text).toBe(expectation.text);
    else if (expectation.text) expect(reply.body.text).toMatch(expectation.text);
    return;
  }
  expect(reply.body.type).toBe(expectation.type);
  const inReplyTo = /^\{"src":"n1","dest":"c1","body":\{"type":"[a-z_]+"(,"in_reply_to":(\d+))?/.exec(reply.raw);
  const sentMsgId = /"msg_id":\d+/.test(Buffer.from(testCase.line(caseId(index))).toString());
  expect(inReplyTo?.[2]).toBe(sentMsgId ? id : undefined);
  expectation.check?.(reply);
}

/**
 * Runs a table of cases through one node and checks each, and the node as a whole: it
 * exits 0, writes only envelopes, leaves the sentinel untouched, logs each unanswerable
 * line once, and in the end lists the sentinel and then `created`, the projections the
 * table's cases made, in the order they were made.
 */
export function hostileCases(topic: string, cases: readonly Case[], created: readonly string[]): void {
  describe(`${topic}: one node, every hostile line followed by a read of an untouched projection`, () => {
    let battery: Battery;
    beforeAll(async () => {
      battery = await runBattery(cases);
    }, 60_000);

    it('exits 0 after reading to the end', () => {
      expect(battery.result.code).toBe(0);
      expect(battery.result.signal).toBeNull();
    });

    it('writes nothing but {src, dest, body} envelope lines', () => {
      expect(battery.result.stdout.length).toBeGreaterThan(cases.length);
      for (const raw of battery.result.stdout) {
        const envelope = JSON.parse(raw) as Record<string, unknown>;
        expect(Object.keys(envelope)).toEqual(['src', 'dest', 'body']);
        expect(typeof envelope.src).toBe('string');
        expect(typeof envelope.dest).toBe('string');
        const body = envelope.body as Record<string, unknown>;
        expect(typeof body.type).toBe('string');
        expect(body.msg_id).toBeUndefined();
      }
    });

    it('answers the setup and, after every case, the sentinel read with the unchanged projection', () => {
      expect(battery.result.stdout[0]).toBe(
        '{"src":"n1","dest":"c1","body":{"type":"projection_created","in_reply_to":1,"name":"sentinel","version":0}}',
      );
      expect(battery.sentinelReplies).toEqual(cases.map((_, index) => sentinelReply(SENTINEL_BASE + index)));
    });

    it('answers the final list, which holds only the projections created', () => {
      expect(battery.afterSentinels).toHaveLength(1);
      const reply = JSON.parse(battery.afterSentinels[0] ?? '{}') as {
        body: { in_reply_to: number; projections: { name: string }[] };
      };
      expect(reply.body.in_reply_to).toBe(FINAL_LIST_ID);
      expect(reply.body.projections.map(({ name }) => name)).toEqual(['sentinel', ...created]);
    });

    it('logs one stderr line for each unanswerable line, naming it, and nothing else', () => {
      const logged = linesOf(battery.result.stderr).map((line) => {
        expect(line).toMatch(/^line \d+: /);
        return Number(/^line (\d+): /.exec(line)?.[1]);
      });
      const expected = cases.flatMap(({ expect: expectation }, index) =>
        expectation.kind === 'none' && expectation.logged ? [battery.lineNumbers[index]] : [],
      );
      expect(logged).toEqual(expected);
    });

    it.each(cases.map((testCase, index) => ({ ...testCase, index })))('$name', (testCase) => {
      checkCase(testCase, testCase.index, battery.segments[testCase.index]);
    });
  });
}
