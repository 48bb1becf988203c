import * as z from 'zod';
import { ErrorCode, RpcError } from '../maelstrom/errors.js';
import { defineMessage } from './message.js';
import { MAX_NAME_LENGTH, pageCount } from './schemas.js';

interface Page {
  readonly prefix?: string | undefined;
  readonly offset?: number | undefined;
  readonly limit?: number | undefined;
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
  run({ store }, { body }) {
    if (!paged(body)) return { type: 'list_ok', projections: store.list() };
    const { items, total } = store.page(body.prefix, body.offset, body.limit);
    return { type: 'list_ok', projections: items, total };
  },
  // Every node lists what it owns, filtered by the prefix; the page is taken from the merged list.
  gather: {
    everywhere: () => true,
    ask: ({ offset: _offset, limit: _limit, ...rest }) => rest,
    merge(answers, body) {
      const projections: unknown[] = [];
      for (const answer of answers) {
        if (answer.error) throw answer.error;
        if (answer.reply.type !== 'list_ok') return answer.reply;
        const { projections: page } = answer.reply;
        if (!Array.isArray(page))
          throw new RpcError(ErrorCode.crash, `list: ${answer.node} answered with a malformed list_ok`);
        for (const summary of page) projections.push(summary);
      }
      if (!paged(body)) return { type: 'list_ok', projections };
      const start = body.offset ?? 0;
      const end = body.limit === undefined ? undefined : start + body.limit;
      return { type: 'list_ok', projections: projections.slice(start, end), total: projections.length };
    },
  },
});
