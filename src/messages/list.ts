import * as z from 'zod';
import { ErrorCode, RpcError } from '../maelstrom/errors.js';
import { stringifyJson } from '../json/stringify.js';
import { isJsonObject } from '../json/value.js';
import { defineMessage } from './message.js';
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
      // No name past a node's first offset + limit can be in the page: each is asked for those alone.
      const first = pageCount.parse(offset ?? 0) + pageCount.parse(limit);
      return Number.isSafeInteger(first) ? { ...rest, limit: first } : rest;
    },
    merge(answers, body) {
      const start = body.offset ?? 0;
      const end = body.limit === undefined ? Number.POSITIVE_INFINITY : start + body.limit;
      const projections: unknown[] = [];
      /** Names of the nodes before this one in the merged list: where its own names start. */
      let before = 0;
      for (const answer of answers) {
        if (answer.error) throw answer.error;
        if (answer.reply.type !== 'list_ok') return answer.reply;
        const { projections: listed, total } = answer.reply;
        if (!Array.isArray(listed) || !listed.every(isSummary) || !(total === undefined || isCount(total)))
          throw new RpcError(ErrorCode.crash, `list: ${answer.node} answered with a malformed list_ok`);
        for (let index = Math.max(start - before, 0); index < listed.length && before + index < end; index++)
          projections.push(listed[index]);
        before += total ?? listed.length;
      }
      checkLength(projections, MAX_STATE_JSON);
      return paged(body) ? { type: 'list_ok', projections, total: before } : { type: 'list_ok', projections };
    },
  },
});
