/** The replies: their format, their addresses, and every one delivered to a slow reader. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { Node } from '../../src/maelstrom/node.js';
import { serveProjections } from '../../src/serve.js';
import { noFields, withEcho } from '../support/echo.js';
import { exchange } from '../support/in-process-node.js';
import { LineBuffer } from '../support/lines.js';
import { bodies } from '../support/messages.js';

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
      const lines = new LineBuffer((line) => replies.push(line));
      for await (const chunk of output) {
        lines.write(String(chunk));
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
    expect(bodies(replies).map((body) => body.in_reply_to)).toEqual(Array.from({ length: count + 1 }, (_, id) => id));
    expect(replies[count]).toBe(
      `{"src":"n1","dest":"c1","body":{"type":"projection_updated","in_reply_to":${count},"projection":"p","version":${count},"state":{"last":${count}}}}`,
    );
  });
});
