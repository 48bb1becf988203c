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

describe('the head of a line over the cap', () => {
  it('names its sender and msg_id only where they stand at their own level', async () => {
    const { readHead } = await import('../../src/maelstrom/head.js');
    expect(readHead('{"src":"c1","dest":"n1","body":{"type":"rebuild","msg_id":7,"events":[{"msg_id":9')).toEqual({
      src: 'c1',
      dest: 'n1',
      type: 'rebuild',
      msgId: 7,
      inReplyTo: undefined,
    });
    expect(readHead('{"src":"c1","body":{"in_reply_to":3,"type":"x","msg_id":7,"pad":"').inReplyTo).toBe(3);
    // An in_reply_to that is an object or an array is there too, though its value is not read.
    for (const value of ['{}', '[1]', '{"a":'])
      expect(readHead(`{"src":"c1","body":{"type":"x","msg_id":7,"in_reply_to":${value}`).inReplyTo).toBeDefined();
    expect(readHead('{"src":"c1","body":{"type":"x","msg_id":7,"pad":[1],"in_reply_to":3').inReplyTo).toBeUndefined();
    // A msg_id inside the payload, or cut off by the end of the head, is not the message's.
    expect(readHead('{"src":"c1","body":{"type":"rebuild","events":[{"msg_id":9}],"msg_id":1').msgId).toBeUndefined();
    expect(readHead('{"src":"c1","body":{"msg_id":12').msgId).toBeUndefined();
    expect(readHead('{"x":{"src":"c9"},"src":"c1"').src).toBeUndefined();
    expect(readHead('[{"src":"c1"}]')).toEqual({});
    const big = readHead('{"src":"c\\u0031","body":{"msg_id":9007199254740993,"type":"x"');
    expect(big.src).toBe('c1');
    expect((big.msgId as { text: string }).text).toBe('9007199254740993');
  });
});
