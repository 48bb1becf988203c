/** list in a cluster: what each node is asked, and the one page merged from their answers. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RpcError } from '../../src/maelstrom/errors.js';
import { list } from '../../src/messages/list.js';
import type { NodeAnswer } from '../../src/messages/message.js';

const gather = list.gather as NonNullable<typeof list.gather>;

interface Page {
  prefix?: string;
  offset?: number;
  limit?: number;
}

/** What a node holding `names` answers when asked `asked` (as a single node's list does). */
function answer(node: string, names: readonly string[], asked: Record<string, unknown>): NodeAnswer {
  const summaries = names.map((name) => ({ name, version: 1 }));
  const isPaged = 'prefix' in asked || 'offset' in asked || 'limit' in asked;
  if (!isPaged) return { node, reply: { type: 'list_ok', projections: summaries } };
  const limit = typeof asked.limit === 'number' ? asked.limit : summaries.length;
  return { node, reply: { type: 'list_ok', projections: summaries.slice(0, limit), total: summaries.length } };
}

describe('list, gathered from every node', () => {
  it('asks each node for its first offset + limit names, or all of them without a limit', () => {
    expect(gather.ask({ type: 'list', prefix: 'u-', offset: 1, limit: 3 })).toEqual({
      type: 'list',
      prefix: 'u-',
      limit: 4,
    });
    expect(gather.ask({ type: 'list', offset: 5 })).toEqual({ type: 'list' });
    expect(gather.ask({ type: 'list', limit: 2 ** 53 })).toEqual({ type: 'list' });
  });

  it('merges the same page and total as cutting the whole merged list, for any names, offset and limit', () => {
    const names = fc.array(fc.string({ maxLength: 3 }), { maxLength: 12 });
    fc.assert(
      fc.property(
        fc.array(names, { minLength: 1, maxLength: 4 }),
        fc.option(fc.nat(20), { nil: undefined }),
        fc.option(fc.nat(20), { nil: undefined }),
        (byNode, offset, limit) => {
          const body: Page = {
            ...(offset === undefined ? {} : { offset }),
            ...(limit === undefined ? {} : { limit }),
          };
          const asked = gather.ask({ type: 'list', ...body }) as Record<string, unknown>;
          const answers = byNode.map((held, index) => answer(`n${index + 1}`, held, asked));
          const all = byNode.flat().map((name) => ({ name, version: 1 }));
          const start = offset ?? 0;
          const expected =
            offset === undefined && limit === undefined
              ? { type: 'list_ok', projections: all }
              : {
                  type: 'list_ok',
                  projections: all.slice(start, limit === undefined ? undefined : start + limit),
                  total: all.length,
                };
          expect(gather.merge(answers, body)).toEqual(expected);
        },
      ),
    );
  });

  it('is error 13 when a node answers a list_ok no node writes', () => {
    for (const reply of [
      { type: 'list_ok', projections: null },
      { type: 'list_ok', projections: [null] },
      { type: 'list_ok', projections: [{ name: 1 }] },
      { type: 'list_ok', projections: [], total: -1 },
    ]) {
      const merge = () => gather.merge([{ node: 'n2', reply }], {});
      expect(merge).toThrow(new RpcError(13, 'list: n2 answered with a malformed list_ok'));
    }
  });
});
