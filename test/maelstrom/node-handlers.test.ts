/** Handlers: what they are given, the errors they throw, and the promises they return. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { ErrorCode, RpcError } from '../../src/maelstrom/errors.js';
import { Node } from '../../src/maelstrom/node.js';
import { noFields, withEcho } from '../support/echo.js';
import { exchange, start } from '../support/in-process-node.js';
import { StreamLines } from '../support/lines.js';
import { bodies } from '../support/messages.js';

describe('handlers', () => {
  it("gives a handler its schema's output as body and the body as it arrived as rawBody", async () => {
    const seen: unknown[] = [];
    const { out } = await exchange(['{"src":"c1","dest":"n1","body":{"type":"get","msg_id":1,"extra":[1]}}'], (node) =>
      node.handle('get', z.object({ count: z.int().default(3) }), (request) => {
        seen.push(request.body, request.rawBody);
        return { type: 'get_ok', count: request.body.count };
      }),
    );
    expect(out).toEqual(['{"src":"n1","dest":"c1","body":{"type":"get_ok","in_reply_to":1,"count":3}}']);
    expect(seen).toEqual([
      { msg_id: 1, count: 3 },
      { type: 'get', msg_id: 1, extra: [1] },
    ]);
  });

  it('names every wrong field of a body, after the type, whatever else is wrong with it', async () => {
    const { out } = await exchange(
      [
        '{"src":"c1","dest":"n1","body":{"type":"sum","msg_id":1,"a":"x","b":2}}',
        '{"src":"c1","dest":"n1","body":{"type":"sum","msg_id":"2","a":"x"}}',
      ],
      (node) => node.handle('sum', z.object({ a: z.number(), b: z.number() }), () => ({ type: 'sum_ok' })),
    );
    expect(bodies(out).map((body) => [body.in_reply_to, body.code, body.text])).toEqual([
      [1, 12, 'sum: a must be a number, got string'],
      // The header is checked first, as for any message: its error is the one named.
      ['2', 12, 'sum: body.msg_id must be an integer, got string'],
    ]);
  });

  it('answers a handler that throws a plain Error with 13, logs it, and keeps serving', async () => {
    const { out, logs } = await exchange(
      [
        '{"src":"c1","dest":"n1","body":{"type":"boom","msg_id":1}}',
        '{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":2,"echo":"ok"}}',
      ],
      (node) => {
        withEcho(node);
        node.handle('boom', noFields, () => {
          throw new Error('kaput');
        });
      },
    );
    expect(out).toEqual([
      '{"src":"n1","dest":"c1","body":{"type":"error","in_reply_to":1,"code":13,"text":"boom: internal error: kaput"}}',
      '{"src":"n1","dest":"c1","body":{"type":"echo_ok","in_reply_to":2,"echo":"ok"}}',
    ]);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/^internal error in boom: Error: kaput\n\s+at /);
  });

  it('answers with 13 a reply too long to be written, logs it, and keeps serving', async () => {
    const tooLong = {
      toJSON() {
        throw new RangeError('Invalid string length');
      },
    };
    const { out, logs } = await exchange(
      [
        '{"src":"c1","dest":"n1","body":{"type":"big","msg_id":1}}',
        '{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":2,"echo":"ok"}}',
      ],
      (node) => {
        withEcho(node);
        node.handle('big', noFields, () => ({ type: 'big_ok', value: tooLong }));
      },
    );
    expect(out).toEqual([
      '{"src":"n1","dest":"c1","body":{"type":"error","in_reply_to":1,"code":13,"text":"internal error: the reply is too long to be written"}}',
      '{"src":"n1","dest":"c1","body":{"type":"echo_ok","in_reply_to":2,"echo":"ok"}}',
    ]);
    expect(logs).toEqual(['a message to "c1" could not be written (Invalid string length): error 13 instead']);
  });

  it('loses only the line a bug outside any handler met, and serves the next', async () => {
    const harness = start(withEcho, undefined, {
      rewriteLine: (line) => {
        if (line.includes('"msg_id":1,')) throw new TypeError('a bug');
        return line;
      },
    });
    harness.send(
      '{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":1,"echo":"lost"}}',
      '{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":2,"echo":"ok"}}',
    );
    expect(await harness.finish()).toEqual([
      '{"src":"n1","dest":"c1","body":{"type":"echo_ok","in_reply_to":2,"echo":"ok"}}',
    ]);
    expect(harness.logs).toHaveLength(1);
    expect(harness.logs[0]).toMatch(/^internal error: TypeError: a bug\n\s+at /);
  });

  it('keeps reading its input after a bug while taking a chunk, and serves what it had queued', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const logs: string[] = [];
    let recycled = 0;
    const node = new Node({
      input,
      output,
      log: (line) => logs.push(line),
      recycle: () => {
        if (recycled++ === 0) throw new TypeError('a bug');
      },
    });
    withEcho(node);
    const lines = new StreamLines(output);
    const running = node.run();
    const echo = (id: number) => `{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":${id},"echo":${id}}}\n`;
    input.write(echo(1) + echo(2));
    await new Promise((resolve) => setImmediate(resolve));
    input.end(echo(3));
    await running;
    output.end();
    expect(bodies(await lines.all()).map((body) => body.in_reply_to)).toEqual([1, 2, 3]);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/^internal error: TypeError: a bug\n\s+at /);
  });

  it('answers with the code of a thrown RpcError, without logging', async () => {
    const { out, logs } = await exchange(['{"src":"c1","dest":"n1","body":{"type":"cas","msg_id":1}}'], (node) =>
      node.handle('cas', noFields, () => {
        throw new RpcError(ErrorCode.preconditionFailed, 'cas: expected 1, found 2');
      }),
    );
    expect(out).toEqual([
      '{"src":"n1","dest":"c1","body":{"type":"error","in_reply_to":1,"code":22,"text":"cas: expected 1, found 2"}}',
    ]);
    expect(logs).toEqual([]);
  });

  it('answers a handler that returns a Promise once it settles, and run() waits for it', async () => {
    let release: (value: { type: string; value: number }) => void = () => {};
    let reject: (error: unknown) => void = () => {};
    let called = 0;
    const harness = start((node) => {
      node.handle('slow', noFields, () => {
        called++;
        return new Promise((resolve) => (release = resolve));
      });
      node.handle('fails', noFields, () => new Promise((_, fail) => (reject = fail)));
      withEcho(node);
    });
    harness.send(
      '{"src":"c1","dest":"n1","body":{"type":"slow","msg_id":1}}',
      '{"src":"c1","dest":"n1","body":{"type":"fails","msg_id":2}}',
      '{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":3,"echo":"first"}}',
    );
    // The synchronous echo is answered while the two promises are still pending.
    expect(await harness.output.waitFor(1)).toEqual([
      '{"src":"n1","dest":"c1","body":{"type":"echo_ok","in_reply_to":3,"echo":"first"}}',
    ]);
    expect(called).toBe(1);
    reject(new RpcError(ErrorCode.temporarilyUnavailable, 'fails: try later'));
    release({ type: 'slow_ok', value: 42 });
    const out = await harness.finish();
    expect(out).toEqual([
      '{"src":"n1","dest":"c1","body":{"type":"echo_ok","in_reply_to":3,"echo":"first"}}',
      '{"src":"n1","dest":"c1","body":{"type":"error","in_reply_to":2,"code":11,"text":"fails: try later"}}',
      '{"src":"n1","dest":"c1","body":{"type":"slow_ok","in_reply_to":1,"value":42}}',
    ]);
  });
});
