/** Input: numbers kept as written, over-long lines, BOM and CR, and an input stream that fails. */
import { PassThrough, Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Node } from '../../src/maelstrom/node.js';
import { withEcho } from '../support/echo.js';
import { exchange, start } from '../support/in-process-node.js';
import { StreamLines } from '../support/lines.js';

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

  it('drops a line over maxLineBytes, answering it by its head and naming its line number, and answers the next one', async () => {
    const harness = start(withEcho, 100);
    harness.send(
      `{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":1,"echo":"${'x'.repeat(200)}"}}`,
      '{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":2}}',
    );
    const out = await harness.finish();
    expect(out).toEqual([
      '{"src":"n1","dest":"c1","body":{"type":"error","in_reply_to":1,"code":12,"text":"echo: the message is longer than --max-line-bytes allows (100 bytes), and was dropped unread"}}',
      '{"src":"n1","dest":"c1","body":{"type":"echo_ok","in_reply_to":2}}',
    ]);
    expect(harness.logs).toEqual(['line 1: longer than --max-line-bytes (100); dropped, and answered with error 12']);
  });

  it('drops a reply over maxLineBytes without answering it, as it would drop one under the cap', async () => {
    const harness = start(withEcho, 100);
    harness.send(
      `{"src":"c1","dest":"n1","body":{"in_reply_to":5,"type":"echo","msg_id":1,"echo":"${'x'.repeat(200)}"}}`,
      '{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":2}}',
    );
    expect(await harness.finish()).toEqual(['{"src":"n1","dest":"c1","body":{"type":"echo_ok","in_reply_to":2}}']);
    expect(harness.logs).toEqual([
      'line 1: dropped reply from c1 to 5, a message longer than --max-line-bytes allows (100 bytes): no request is waiting for it',
    ]);
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

describe('a failing input stream', () => {
  it('is treated as the end of input: what was read is answered, and one line is logged', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const logs: string[] = [];
    const node = new Node({ input, output, log: (line) => logs.push(line) });
    const lines = new StreamLines(output);
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

describe('a request', () => {
  it('is answered within the input event that brings it, with no turn of the event loop between', async () => {
    const input = new Readable({ read() {} });
    const written: string[] = [];
    const output = new Writable({
      write(chunk: Buffer, _encoding, done) {
        written.push(chunk.toString());
        done();
      },
    });
    const node = new Node({ input, output, log: () => {} });
    withEcho(node);
    const running = node.run();
    // Once the input flows (it starts to on the next tick), a push emits 'data' at once.
    await new Promise((resolve) => setImmediate(resolve));
    input.push('{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":1}}\n');
    expect(written).toEqual(['{"src":"n1","dest":"c1","body":{"type":"echo_ok","in_reply_to":1}}\n']);
    input.push(null);
    await running;
  });
});
