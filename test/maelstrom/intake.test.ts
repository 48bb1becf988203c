import { afterEach, describe, expect, it, vi } from 'vitest';
import { serveProjections } from '../../src/serve.js';
import { exchange } from '../support/in-process-node.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('blank lines', () => {
  it('are skipped before any parsing, so they cost no exception', async () => {
    const parse = vi.spyOn(JSON, 'parse');
    const blank = ['', ' ', '\t', '\r', ' \t \r', '\uFEFF', '\u00a0'];
    const lines = Array.from({ length: 1000 }, (_, i) => blank[i % blank.length] as string);
    const { out, logs } = await exchange(
      [...lines, '{"src":"c1","dest":"n1","body":{"type":"list","msg_id":1}}'],
      (node) => serveProjections(node, { rpcTimeoutMs: 1000 }),
    );
    expect(out).toEqual(['{"src":"n1","dest":"c1","body":{"type":"list_ok","in_reply_to":1,"projections":[]}}']);
    expect(logs).toEqual([]);
    expect(parse).toHaveBeenCalledTimes(1);
  });
});
