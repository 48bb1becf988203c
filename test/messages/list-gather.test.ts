/** list in a cluster: what each node is asked, and the one page merged from their answers. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RpcError } from '../../src/maelstrom/errors.js';
import { list } from '../../src/messages/list.js';
import { AskAgain, type NodeAnswer } from '../../src/messages/message.js';

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
  const offset = typeof asked.offset === 'number' ? asked.offset : 0;
  const limit = typeof asked.limit === 'number' ? asked.limit : summaries.length;
  return {
    node,
    reply: { type: 'list_ok', projections: summaries.slice(offset, offset + limit), total: summaries.length },
  };
}

/** The one reply of nodes n1, n2, … holding `byNode`, and the bodies of a second round, if there was one. */
function gathered(byNode: readonly (readonly string[])[], body: Page) {
  const nodes = byNode.map((_, index) => `n${index + 1}`);
  const asked = gather.ask({ type: 'list', ...body }) as Record<string, unknown>;
  const merged = gather.merge(
    nodes.map((node, index) => answer(node, byNode[index]!, asked)),
    body,
  );
  if (!(merged instanceof AskAgain)) return { reply: merged, again: undefined };
  const again = nodes.filter((node) => merged.asks.has(node)).map((node) => [node, merged.asks.get(node)!] as const);
  const answers = again.map(([node, ask]) => answer(node, byNode[nodes.indexOf(node)]!, ask));
  return { reply: merged.merge(answers), again: new Map(again) };
}

describe('list, gathered from every node', () => {
  it('asks each node for its first page, for its count alone for a later page, or for all without a limit', () => {
    expect(gather.ask({ type: 'list', prefix: 'u-', limit: 3 })).toEqual({ type: 'list', prefix: 'u-', limit: 3 });
    expect(gather.ask({ type: 'list', prefix: 'u-', offset: 1, limit: 3 })).toEqual({
      type: 'list',
      prefix: 'u-',
      limit: 0,
    });
    expect(gather.ask({ type: 'list', offset: 5 })).toEqual({ type: 'list' });
    expect(gather.ask({ type: 'list', limit: 2 ** 53 })).toEqual({ type: 'list' });
  });

  it('asks again, for a later page, only the nodes it reaches, each for its part', () => {
    const { reply, again } = gathered(
      [
        ['a', 'b', 'c'],
        ['d', 'e'],
        ['f', 'g', 'h'],
      ],
      { prefix: '', offset: 4, limit: 2 },
    );
    expect(again).toEqual(
      new Map([
        ['n2', { type: 'list', prefix: '', offset: 1, limit: 1 }],
        ['n3', { type: 'list', prefix: '', offset: 0, limit: 1 }],
      ]),
    );
    expect(reply).toEqual({
      type: 'list_ok',
      projections: [
        { name: 'e', version: 1 },
        { name: 'f', version: 1 },
      ],
      total: 8,
    });
    // Past the end, nobody is asked again.
    expect(gathered([['a'], ['b']], { offset: 2, limit: 5 })).toEqual({
      reply: { type: 'list_ok', projections: [], total: 2 },
      again: undefined,
    });
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
          const { reply, again } = gathered(byNode, body);
          expect(reply).toEqual(expected);
          // A second round asks for no more names in all than the page holds.
          const asked = [...(again?.values() ?? [])].reduce((sum, ask) => sum + (ask.limit as number), 0);
          expect(asked).toBeLessThanOrEqual(limit ?? 0);
        },
      ),
    );
  });

  it('gives the page a node has now, when its names changed between its count and its part', () => {
    const counts = [answer('n1', ['a', 'b'], { limit: 0 }), answer('n2', ['c', 'd', 'e'], { limit: 0 })];
    const merged = gather.merge(counts, { offset: 1, limit: 3 });
    if (!(merged instanceof AskAgain)) throw new Error('expected a second round');
    // n2 lost a name: it has 2 where it counted 3.
    const reply = merged.merge([
      answer('n1', ['a', 'b'], merged.asks.get('n1')!),
      answer('n2', ['d'], merged.asks.get('n2')!),
    ]);
    expect(reply).toEqual({
      type: 'list_ok',
      projections: [
        { name: 'b', version: 1 },
        { name: 'd', version: 1 },
      ],
      total: 5,
    });
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
    // A count for a later page must say how many.
    const count = () =>
      gather.merge([{ node: 'n2', reply: { type: 'list_ok', projections: [] } }], { offset: 1, limit: 1 });
    expect(count).toThrow(new RpcError(13, 'list: n2 answered with a malformed list_ok'));
  });

  it('passes on the error of a node, in either round', () => {
    const error = new RpcError(0, 'list: timed out');
    expect(() => gather.merge([{ node: 'n2', error }], { offset: 1, limit: 1 })).toThrow(error);
    const merged = gather.merge([answer('n1', ['a', 'b'], { limit: 0 })], { offset: 1, limit: 1 });
    if (!(merged instanceof AskAgain)) throw new Error('expected a second round');
    expect(() => merged.merge([{ node: 'n1', error }])).toThrow(error);
  });
});
