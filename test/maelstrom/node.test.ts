import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ErrorCode, RpcError } from '../../src/maelstrom/errors.js';
import * as z from 'zod';
import { MAX_NESTING } from '../../src/maelstrom/limits.js';
import { Node } from '../../src/maelstrom/node.js';
import { serveProjections } from '../../src/serve.js';
import { exchange, Lines, start } from '../support/node.js';

/** A body with no fields of its own. */
const noFields = z.object({});

function withEcho(node: Node): void {
  node.handle('echo', z.object({ echo: z.unknown().optional() }), (request) => ({
    type: 'echo_ok',
    echo: request.body.echo,
  }));
}

interface Reply {
  src: string;
  dest: string;
  body: { type: string; in_reply_to?: unknown; code?: number; text?: string; [field: string]: unknown };
}

const parse = (line: string): Reply => JSON.parse(line) as Reply;

describe('init', () => {
  it('sets the node id and ids, and answers init_ok from the new id', async () => {
    let seen: Node | undefined;
    const { out } = await exchange(
      ['{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1","n2"]}}'],
      (node) => (seen = node),
    );
    expect(out).toEqual(['{"src":"n1","dest":"c0","body":{"type":"init_ok","in_reply_to":1}}']);
    expect(seen?.id).toBe('n1');
    expect(seen?.nodeIds).toEqual(['n1', 'n2']);
  });

  it('answers from the request dest before init, and from the node id after it', async () => {
    const { out } = await exchange(
      [
        '{"src":"c1","dest":"n7","body":{"type":"echo","msg_id":1,"echo":"before"}}',
        '{"src":"c0","dest":"n1","body":{"type":"init","msg_id":2,"node_id":"n1","node_ids":["n1"]}}',
        '{"src":"c1","dest":"n7","body":{"type":"echo","msg_id":3,"echo":"after"}}',
      ],
      withEcho,
    );
    expect(out).toEqual([
      '{"src":"n7","dest":"c1","body":{"type":"echo_ok","in_reply_to":1,"echo":"before"}}',
      '{"src":"n1","dest":"c0","body":{"type":"init_ok","in_reply_to":2}}',
      '{"src":"n1","dest":"c1","body":{"type":"echo_ok","in_reply_to":3,"echo":"after"}}',
    ]);
  });

  it('refuses an empty node_id or a wrong node_ids with error 12, and keeps no id', async () => {
    let seen: Node | undefined;
    const { out } = await exchange(
      [
        '{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"","node_ids":[]}}',
        '{"src":"c0","dest":"n1","body":{"type":"init","msg_id":2,"node_id":"n1","node_ids":"n1"}}',
      ],
      (node) => (seen = node),
    );
    expect(out.map(parse).map(({ body }) => [body.in_reply_to, body.code, body.text])).toEqual([
      [1, 12, 'init: node_id must not be empty'],
      [2, 12, 'init: node_ids must be an array, got string'],
    ]);
    expect(seen?.id).toBeUndefined();
  });
});

describe('reply format', () => {
  it('writes src, dest, body; type first, in_reply_to second, then the fields in handler order, and no msg_id', async () => {
    const { out } = await exchange(['{"src":"c1","dest":"n1","body":{"msg_id":5,"type":"order"}}'], (node) =>
      node.handle('order', noFields, () => ({ z: 1, type: 'order_ok', a: [1, 2], skipped: undefined, m: { y: null } })),
    );
    expect(out).toEqual([
      '{"src":"n1","dest":"c1","body":{"type":"order_ok","in_reply_to":5,"z":1,"a":[1,2],"m":{"y":null}}}',
    ]);
  });

  it('addresses each reply right among more clients and fields than its caches hold', async () => {
    const count = 5000;
    const lines = Array.from(
      { length: count },
      (_, index) =>
        `{"src":"c${index}","dest":"n${index % 3}","body":{"type":"copy","msg_id":${index},"f${index}":${index}}}`,
    );
    const { out } = await exchange(lines, (node) =>
      node.handle('copy', z.looseObject({}), ({ rawBody: { type, msg_id, ...fields } }) => ({
        type: 'copy_ok',
        ...fields,
      })),
    );
    expect(out).toEqual(
      Array.from(
        { length: count },
        (_, index) =>
          `{"src":"n${index % 3}","dest":"c${index}","body":{"type":"copy_ok","in_reply_to":${index},"f${index}":${index}}}`,
      ),
    );
  });

  it('answers a request without msg_id with a reply without in_reply_to', async () => {
    const { out } = await exchange(['{"src":"c1","dest":"n1","body":{"type":"echo","echo":7}}'], withEcho);
    expect(out).toEqual(['{"src":"n1","dest":"c1","body":{"type":"echo_ok","echo":7}}']);
  });
});

describe('requests the node cannot serve', () => {
  it('answers an unknown type with error 10 listing the supported types', async () => {
    const { out } = await exchange(['{"src":"c1","dest":"n1","body":{"type":"nope","msg_id":1}}'], withEcho);
    expect(out).toEqual([
      '{"src":"n1","dest":"c1","body":{"type":"error","in_reply_to":1,"code":10,"text":"unsupported message type \\"nope\\"; supported: init, echo"}}',
    ]);
  });

  it('answers a missing or non-string type with 12 and an empty type with 10', async () => {
    const { out } = await exchange(
      [
        '{"src":"c1","dest":"n1","body":{"msg_id":1}}',
        '{"src":"c1","dest":"n1","body":{"type":5,"msg_id":2}}',
        '{"src":"c1","dest":"n1","body":{"type":null,"msg_id":3}}',
        '{"src":"c1","dest":"n1","body":{"type":"","msg_id":4}}',
      ],
      withEcho,
    );
    expect(out.map(parse).map(({ body }) => [body.in_reply_to, body.code, body.text])).toEqual([
      [1, 12, 'body.type is required'],
      [2, 12, 'body.type must be a string, got number'],
      [3, 12, 'body.type must be a string, got null'],
      [4, 10, 'unsupported message type ""; supported: init, echo'],
    ]);
  });

  it('echoes a msg_id of the wrong type unchanged as in_reply_to, with error 12', async () => {
    const { out } = await exchange(
      [
        '{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":"7"}}',
        '{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":1.5}}',
        '{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":{"a":[1]}}}',
        '{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":null}}',
        '{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":0.10000000000000000001}}',
      ],
      withEcho,
    );
    expect(out).toEqual([
      '{"src":"n1","dest":"c1","body":{"type":"error","in_reply_to":"7","code":12,"text":"echo: body.msg_id must be an integer, got string"}}',
      '{"src":"n1","dest":"c1","body":{"type":"error","in_reply_to":1.5,"code":12,"text":"echo: body.msg_id must be an integer, got number"}}',
      '{"src":"n1","dest":"c1","body":{"type":"error","in_reply_to":{"a":[1]},"code":12,"text":"echo: body.msg_id must be an integer, got object"}}',
      '{"src":"n1","dest":"c1","body":{"type":"error","in_reply_to":null,"code":12,"text":"echo: body.msg_id must be an integer, got null"}}',
      '{"src":"n1","dest":"c1","body":{"type":"error","in_reply_to":0.10000000000000000001,"code":12,"text":"echo: body.msg_id must be an integer, got number"}}',
    ]);
  });

  it('names a wrong envelope field and a wrong header field in one error', async () => {
    const { out } = await exchange(['{"src":"c1","body":{"type":5,"msg_id":1}}'], withEcho);
    expect(out).toEqual([
      '{"src":"","dest":"c1","body":{"type":"error","in_reply_to":1,"code":12,"text":"dest is required; body.type must be a string, got number"}}',
    ]);
  });

  it('answers a missing or non-string dest with 12 from an empty src', async () => {
    const { out } = await exchange(
      ['{"src":"c1","body":{"type":"echo","msg_id":1}}', '{"src":"c1","dest":2,"body":{"type":"echo","msg_id":2}}'],
      withEcho,
    );
    expect(out).toEqual([
      '{"src":"","dest":"c1","body":{"type":"error","in_reply_to":1,"code":12,"text":"echo: dest is required"}}',
      '{"src":"","dest":"c1","body":{"type":"error","in_reply_to":2,"code":12,"text":"echo: dest must be a string, got number"}}',
    ]);
  });

  it('does not answer a line without a usable src and body, and logs it once by line number', async () => {
    const unanswerable = [
      'not json',
      '{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":1}',
      '42',
      'null',
      '[{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":1}}]',
      '{"dest":"n1","body":{"type":"echo","msg_id":1}}',
      '{"src":7,"dest":"n1","body":{"type":"echo","msg_id":1}}',
      '{"src":"c1","dest":"n1"}',
      '{"src":"c1","dest":"n1","body":null}',
      '{"src":"c1","dest":"n1","body":[{"type":"echo"}]}',
      '{"src":"c1","dest":"n1","body":"echo"}',
    ];
    const { out, logs } = await exchange(
      [...unanswerable, '', '   ', '{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":99,"echo":"still here"}}'],
      withEcho,
    );
    expect(out).toEqual(['{"src":"n1","dest":"c1","body":{"type":"echo_ok","in_reply_to":99,"echo":"still here"}}']);
    // Blank lines are skipped silently; every other line is named once.
    expect(logs.map((line) => /^line (\d+): /.exec(line)?.[1])).toEqual(unanswerable.map((_, i) => String(i + 1)));
  });
});

describe('nesting', () => {
  const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
  // The envelope and the body are two levels, so echo's value may nest MAX_NESTING - 2 deep.
  const echoNesting = (depth: number, msgId = '1'): string =>
    `{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":${msgId},"echo":${nested(depth)}}}`;

  it(`accepts a message nesting exactly ${MAX_NESTING} levels and refuses one more with error 12`, async () => {
    const { out } = await exchange([echoNesting(MAX_NESTING - 2, '1'), echoNesting(MAX_NESTING - 1, '2')], withEcho);
    expect(out).toHaveLength(2);
    expect(out[0]).toBe(
      `{"src":"n1","dest":"c1","body":{"type":"echo_ok","in_reply_to":1,"echo":${nested(MAX_NESTING - 2)}}}`,
    );
    expect(out[1]).toBe(
      `{"src":"n1","dest":"c1","body":{"type":"error","in_reply_to":2,"code":12,"text":"echo: message nests deeper than ${MAX_NESTING} levels"}}`,
    );
  });

  it('refuses a message nesting 100,000 levels, in any field, and keeps serving', async () => {
    const deep = nested(100_000);
    const { out, logs } = await exchange(
      [
        echoNesting(100_000, '1'),
        // A msg_id that is itself too deep cannot be echoed.
        `{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":${deep}}}`,
        `{"src":"c1","dest":"n1","body":{"type":${deep},"msg_id":3}}`,
        // A reply that nests too deep is dropped like any reply nobody waits for.
        `{"src":"n2","dest":"n1","body":{"type":"echo_ok","in_reply_to":${deep}}}`,
        '{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":5,"echo":"alive"}}',
      ],
      withEcho,
    );
    expect(out.map(parse).map(({ body }) => [body.type, body.in_reply_to, body.code])).toEqual([
      ['error', 1, 12],
      ['error', undefined, 12],
      ['error', 3, 12],
      ['echo_ok', 5, undefined],
    ]);
    expect(out[1]).toBe(
      '{"src":"n1","dest":"c1","body":{"type":"error","code":12,"text":"echo: message nests deeper than 1000 levels"}}',
    );
    expect(logs).toEqual(['line 4: dropped reply from n2: message nests deeper than 1000 levels']);
  });
});

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
    expect(out.map(parse).map(({ body }) => [body.in_reply_to, body.code, body.text])).toEqual([
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

describe('rpc', () => {
  const init = '{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1","n2"]}}';

  it('resolves with the reply body, which is not answered itself', async () => {
    const harness = start();
    harness.send(init);
    await harness.output.waitFor(1);
    const answer = harness.node.rpc('n2', { type: 'ping', n: 1 }, 60_000);
    expect(harness.node.pendingRpcCount).toBe(1);
    expect((await harness.output.waitFor(2))[1]).toBe(
      '{"src":"n1","dest":"n2","body":{"type":"ping","n":1,"msg_id":1}}',
    );
    harness.send('{"src":"n2","dest":"n1","body":{"type":"pong","in_reply_to":1,"n":2}}');
    expect(await answer).toEqual({ type: 'pong', in_reply_to: 1, n: 2 });
    expect(harness.node.pendingRpcCount).toBe(0);
    expect(await harness.finish()).toHaveLength(2);
    expect(harness.logs).toEqual([]);
  });

  it('is settled only by a reply from the node it went to', async () => {
    const harness = start();
    harness.send(init);
    await harness.output.waitFor(1);
    const answer = harness.node.rpc('n2', { type: 'ping' }, 60_000);
    await harness.output.waitFor(2);
    harness.send('{"src":"n3","dest":"n1","body":{"type":"pong","in_reply_to":1,"from":"n3"}}');
    harness.send('{"src":"n2","dest":"n1","body":{"type":"pong","in_reply_to":1,"from":"n2"}}');
    expect(await answer).toEqual({ type: 'pong', in_reply_to: 1, from: 'n2' });
    await harness.finish();
    expect(harness.logs).toEqual(['line 2: dropped reply from n3 to 1: no request is waiting for it']);
  });

  it('rejects with error 0 on timeout, forgets the call, and drops a late reply with one log line', async () => {
    const harness = start();
    harness.send(init);
    await harness.output.waitFor(1);
    const answer = harness.node.rpc('n2', { type: 'ping' }, 5);
    expect(harness.node.pendingRpcCount).toBe(1);
    const error: unknown = await answer.then(
      () => 'resolved',
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(RpcError);
    expect((error as RpcError).code).toBe(ErrorCode.timeout);
    expect((error as RpcError).message).toBe('n2 did not answer within 5 ms');
    expect(harness.node.pendingRpcCount).toBe(0);
    harness.send('{"src":"n2","dest":"n1","body":{"type":"pong","in_reply_to":1}}');
    const out = await harness.finish();
    expect(out).toEqual([
      '{"src":"n1","dest":"c0","body":{"type":"init_ok","in_reply_to":1}}',
      '{"src":"n1","dest":"n2","body":{"type":"ping","msg_id":1}}',
    ]);
    expect(harness.logs).toEqual(['line 2: dropped reply from n2 to 1: no request is waiting for it']);
  });
});

describe('input', () => {
  it('keeps the digits of a long number whatever else arrives in the same chunk', async () => {
    const { out } = await exchange(
      [
        '{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":1,"echo":1.5}}',
        '{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":2,"echo":123456789012345678901}}',
        '{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":3,"echo":[2]}}',
      ],
      withEcho,
    );
    expect(out.map((line) => /"echo":(.*)\}\}$/.exec(line)?.[1])).toEqual(['1.5', '123456789012345678901', '[2]']);
  });

  it('drops a line over maxLineBytes, naming its line number, and answers the next one', async () => {
    const harness = start(withEcho, 100);
    harness.send(
      `{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":1,"echo":"${'x'.repeat(200)}"}}`,
      '{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":2}}',
    );
    const out = await harness.finish();
    expect(out).toEqual(['{"src":"n1","dest":"c1","body":{"type":"echo_ok","in_reply_to":2}}']);
    expect(harness.logs).toEqual(['line 1: longer than --max-line-bytes (100); dropped']);
  });

  it('strips a UTF-8 byte order mark and a CR before the newline', async () => {
    const { out, logs } = await exchange(
      ['\uFEFF{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":1,"echo":"bom"}}\r'],
      withEcho,
    );
    expect(out).toEqual(['{"src":"n1","dest":"c1","body":{"type":"echo_ok","in_reply_to":1,"echo":"bom"}}']);
    expect(logs).toEqual([]);
  });
});

describe('backpressure', () => {
  it('delivers every reply to a reader much slower than the node', async () => {
    const input = new PassThrough();
    const output = new PassThrough({ highWaterMark: 256 });
    const node = new Node({ input, output, log: () => {} });
    serveProjections(node, { rpcTimeoutMs: 1000 });
    let drains = 0;
    output.on('drain', () => drains++);
    const replies: string[] = [];
    const reading = (async () => {
      let partial = '';
      for await (const chunk of output) {
        const parts = (partial + String(chunk)).split('\n');
        partial = parts.pop() ?? '';
        replies.push(...parts);
        // A slow reader: one chunk per turn of the event loop.
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const running = node.run();
    const count = 3000;
    input.write('{"src":"c1","dest":"n1","body":{"type":"create","msg_id":0,"name":"p","initial_state":{}}}\n');
    for (let first = 1; first <= count; first += 100) {
      let chunk = '';
      for (let id = first; id < first + 100; id++) {
        chunk += `{"src":"c1","dest":"n1","body":{"type":"update","msg_id":${id},"projection":"p","event":{"event_type":"Set","event_data":{"last":${id}}}}}\n`;
      }
      input.write(chunk);
    }
    input.end();
    await running;
    output.end();
    await reading;
    expect(drains).toBeGreaterThan(0);
    expect(replies).toHaveLength(count + 1);
    expect(replies.map((line) => parse(line).body.in_reply_to)).toEqual(
      Array.from({ length: count + 1 }, (_, id) => id),
    );
    expect(replies[count]).toBe(
      `{"src":"n1","dest":"c1","body":{"type":"projection_updated","in_reply_to":${count},"projection":"p","version":${count},"state":{"last":${count}}}}`,
    );
  });
});

describe('a failing input stream', () => {
  it('is treated as the end of input: what was read is answered, and one line is logged', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const logs: string[] = [];
    const node = new Node({ input, output, log: (line) => logs.push(line) });
    const lines = new Lines(output);
    const running = node.run();
    input.write('{"src":"c1","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1"]}}\n');
    await lines.waitFor(1);
    input.destroy(new Error('EIO: i/o error, read'));
    await running;
    output.end();
    expect(await lines.all()).toEqual(['{"src":"n1","dest":"c1","body":{"type":"init_ok","in_reply_to":1}}']);
    expect(logs).toEqual(['cannot read input any further (EIO: i/o error, read); treating it as its end']);
  });
});

describe('a request without dest', () => {
  it('gets error 12 from "" before init, and from the node id after it', async () => {
    const { out } = await exchange(
      [
        '{"src":"c1","body":{"type":"echo","msg_id":1}}',
        '{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1"]}}',
        '{"src":"c1","body":{"type":"echo","msg_id":2}}',
      ],
      withEcho,
    );
    expect(out).toEqual([
      '{"src":"","dest":"c1","body":{"type":"error","in_reply_to":1,"code":12,"text":"echo: dest is required"}}',
      '{"src":"n1","dest":"c0","body":{"type":"init_ok","in_reply_to":1}}',
      '{"src":"n1","dest":"c1","body":{"type":"error","in_reply_to":2,"code":12,"text":"echo: dest is required"}}',
    ]);
  });
});
