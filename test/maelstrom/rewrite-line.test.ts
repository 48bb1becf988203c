/**
 * NodeOptions.rewriteLine: each line that is not blank passes through it before the
 * intake reads it; the protocol sees only what it returns.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Node } from '../../src/maelstrom/node.js';
import { serveProjections } from '../../src/serve.js';

async function run(input: string, rewriteLine: (line: string) => string): Promise<{ out: string[]; logs: string[] }> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const logs: string[] = [];
  const node = new Node({ input: stdin, output: stdout, log: (line) => logs.push(line), rewriteLine });
  serveProjections(node, { rpcTimeoutMs: 1000 });
  let text = '';
  stdout.setEncoding('utf8');
  stdout.on('data', (chunk: string) => (text += chunk));
  const running = node.run();
  stdin.end(input);
  await running;
  return { out: text.split('\n').slice(0, -1), logs };
}

describe('rewriteLine', () => {
  it('gets each line that is not blank, and the node reads what it returns', async () => {
    const seen: string[] = [];
    const { out, logs } = await run('\n  \nlist 1\nnonsense\nlist 2\n', (line) => {
      seen.push(line);
      const id = /^list (\d+)$/.exec(line)?.[1];
      return id === undefined ? line : `{"src":"c1","dest":"n1","body":{"type":"list","msg_id":${id}}}`;
    });
    expect(seen).toEqual(['list 1', 'nonsense', 'list 2']);
    expect(out).toEqual([
      '{"src":"n1","dest":"c1","body":{"type":"list_ok","in_reply_to":1,"projections":[]}}',
      '{"src":"n1","dest":"c1","body":{"type":"list_ok","in_reply_to":2,"projections":[]}}',
    ]);
    // Diagnostics keep the input's line numbers.
    expect(logs).toEqual([expect.stringMatching(/^line 4: not JSON /)]);
  });

  it('keeps every digit of a number the rewrite added to a block that had none', async () => {
    const { out } = await run(
      'short\n',
      () => '{"src":"c1","dest":"n1","body":{"type":"list","msg_id":123456789012345678901234567890}}',
    );
    expect(out).toEqual([
      '{"src":"n1","dest":"c1","body":{"type":"list_ok","in_reply_to":123456789012345678901234567890,"projections":[]}}',
    ]);
  });
});
