import * as z from 'zod';
import { ErrorCode, RpcError } from '../maelstrom/errors.js';
import { stringifyJson } from '../json/stringify.js';
import { isJsonObject } from '../json/value.js';
import { AskAgain, defineMessage, type NodeAnswer } from './message.js';
import type { Body, ReplyBody } from '../maelstrom/envelope.js';
import { MAX_NAME_LENGTH, pageCount } from './schemas.js';
import { MAX_STATE_JSON } from './state-size.js';

interface Page {
  readonly prefix?: string | undefined;
  readonly offset?: number | undefined;
  readonly limit?: number | undefined;
}

/** What one summary's JSON, `{"name":…,"version":…}` and its comma, adds beyond its name's JSON, at most. */
const SUMMARY_OVERHEAD = 40;
/** How much longer a string's JSON may be than the string: a control character becomes \u0000. */
const ESCAPE_GROWTH = 6;

/**
 * Throws error 12 if the JSON of `summaries` would pass `maxJson`, the bound on a state's
 * JSON that keeps every reply writable (MAX_STATE_JSON; V8's longest string is about twice
 * it). Measured only when a cheap upper bound on their length passes it.
 */
function checkLength(summaries: readonly unknown[], maxJson: number): void {
  let atMost = 2;
  for (const summary of summaries) {
    const name = (summary as { name?: unknown }).name;
    atMost += SUMMARY_OVERHEAD + 2 + ESCAPE_GROWTH * (typeof name === 'string' ? name.length : MAX_NAME_LENGTH);
  }
  if (atMost <= maxJson) return;
  // "[", "]", and a comma between each two.
  let length = 1 + Math.max(summaries.length, 1);
  for (const summary of summaries) length += stringifyJson(summary).length;
  if (length <= maxJson) return;
  throw new RpcError(
    ErrorCode.malformedRequest,
    `list: the projections would be ${length} characters of JSON, over the ${maxJson} a reply may hold; ask for pages with offset and limit`,
  );
}

/** A peer's summary of one projection, as list_ok carries it. */
function isSummary(value: unknown): boolean {
  return isJsonObject(value) && typeof value.name === 'string';
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** What one node's list_ok says. */
interface Listed {
  readonly projections: readonly unknown[];
  readonly total: number | undefined;
}

/**
 * One node's answer as a list: undefined for a reply of another type, which is the one
 * reply as it is. Throws the node's error, or error 13 for a list_ok no node writes.
 */
function listedBy(answer: NodeAnswer, counted = false): Listed | undefined {
  if (answer.error) throw answer.error;
  if (answer.reply.type !== 'list_ok') return undefined;
  const { projections, total } = answer.reply;
  if (!Array.isArray(projections) || !projections.every(isSummary) || !(total === undefined || isCount(total)))
    throw malformed(answer.node);
  if (counted && total === undefined) throw malformed(answer.node);
  return { projections, total };
}

function malformed(node: string): RpcError {
  return new RpcError(ErrorCode.crash, `list: ${node} answered with a malformed list_ok`);
}

/**
 * A page past the first, from every node's count of its names (`counts`, answers to a
 * limit of 0): only the nodes whose names the page reaches are asked again, each for its
 * part of the page, so a page costs each node its length, not its offset.
 */
function laterPage(counts: readonly NodeAnswer[], { prefix, offset = 0, limit = 0 }: Page): ReplyBody | AskAgain {
  const asks = new Map<string, Body>();
  const parts = new Map<string, number>();
  /** Names of the nodes before this one in the merged list: where its own names start. */
  let before = 0;
  for (const answer of counts) {
    const listed = listedBy(answer, true);
    if (!listed) return answer.reply!;
    const total = listed.total!;
    const from = Math.max(offset - before, 0);
    const to = Math.min(offset + limit - before, total);
    if (from < to) {
      asks.set(answer.node, {
        type: 'list',
        ...(prefix === undefined ? {} : { prefix }),
        offset: from,
        limit: to - from,
      });
      parts.set(answer.node, to - from);
    }
    before += total;
  }
  const total = before;
  if (asks.size === 0) return { type: 'list_ok', projections: [], total };
  return new AskAgain(asks, (answers) => {
    const projections: unknown[] = [];
    for (const answer of answers) {
      const listed = listedBy(answer);
      if (!listed) return answer.reply!;
      // A node's names may have changed since it counted them: the page holds what it has now.
      projections.push(...listed.projections.slice(0, parts.get(answer.node)));
    }
    checkLength(projections, MAX_STATE_JSON);
    return { type: 'list_ok', projections, total };
  });
}

/** Without any paging option the reply is as it always was: every projection, and no total. */
const paged = ({ prefix, offset, limit }: Page): boolean =>
  prefix !== undefined || offset !== undefined || limit !== undefined;

export const list = defineMessage({
  type: 'list',
  schema: z.object({
    prefix: z
      .string()
      .max(MAX_NAME_LENGTH, { error: `must be at most ${MAX_NAME_LENGTH} characters` })
      .optional(),
    offset: pageCount.optional(),
    limit: pageCount.optional(),
  }),
  run({ store, room }, { body }) {
    if (!paged(body)) {
      const projections = store.list();
      checkLength(projections, room.maxJson);
      return { type: 'list_ok', projections };
    }
    const { items, total } = store.page(body.prefix, body.offset, body.limit);
    checkLength(items, room.maxJson);
    return { type: 'list_ok', projections: items, total };
  },
  // Every node lists what it owns, filtered by the prefix; the page is taken from the merged list.
  gather: {
    everywhere: () => true,
    ask: ({ offset, limit, ...rest }) => {
      if (limit === undefined) return rest;
      // A page past the first starts with each node's count alone (see laterPage).
      if (pageCount.parse(offset ?? 0) > 0) return { ...rest, limit: 0 };
      // The first page: no name past a node's first `limit` can be in it.
      return Number.isSafeInteger(pageCount.parse(limit)) ? { ...rest, limit } : rest;
    },
    merge(answers, body) {
      if (body.limit !== undefined && (body.offset ?? 0) > 0) return laterPage(answers, body);
      // Without a limit, every node listed all its names; with one, this is the first page.
      const start = body.offset ?? 0;
      const end = body.limit === undefined ? Number.POSITIVE_INFINITY : start + body.limit;
      const projections: unknown[] = [];
      let before = 0;
      for (const answer of answers) {
        const listed = listedBy(answer);
        if (!listed) return answer.reply!;
        for (
          let index = Math.max(start - before, 0);
          index < listed.projections.length && before + index < end;
          index++
        )
          projections.push(listed.projections[index]);
        before += listed.total ?? listed.projections.length;
      }
      checkLength(projections, MAX_STATE_JSON);
      return paged(body) ? { type: 'list_ok', projections, total: before } : { type: 'list_ok', projections };
    },
  },
});
