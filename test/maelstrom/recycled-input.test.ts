/** Input chunks handed back for reuse: once recycled, a chunk's bytes may change, and no reply may. */
import { PassThrough, Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Node } from '../../src/maelstrom/node.js';
import { serveProjections } from '../../src/serve.js';
import { cut } from '../support/chunks.js';
import { StreamLines } from '../support/lines.js';

const envelope = (body: Record<string, unknown>): string => JSON.stringify({ src: 'c1', dest: 'n1', body });

/** Requests of every shape the splitter handles apart: short lines, multi-byte text, a streamed rebuild, bad lines. */
function requests(): string {
  const events = Array.from({ length: 4000 }, (_, i) => ({
    event_type: 'Added',
    event_data: { id: `u${i % 50}`, name: `név ${i} ✓`, n: i },
  }));
  return [
    envelope({ type: 'create', msg_id: 1, name: 'a', initial_state: [] }),
    envelope({ type: 'update', msg_id: 2, projection: 'a', event: { event_type: 'X', event_data: { id: 'é', n: 1 } } }),
    'not json',
    envelope({ type: 'rebuild', msg_id: 3, projection: 'a', events }),
    envelope({ type: 'read', msg_id: 4, projection: 'a' }),
    envelope({ type: 'create', msg_id: 5, name: '☃'.repeat(30), initial_state: { s: '😀'.repeat(3000) } }),
    envelope({ type: 'list', msg_id: 6 }),
    '',
  ].join('\n');
}

/** Gives `chunks` one at a time, each copied into a buffer that is reused once recycled, and scribbled over then. */
class ReusingInput extends Readable {
  private readonly buffers = new Map<ArrayBufferLike, Buffer>();
  private readonly spare: Buffer[] = [];
  private next = 0;
  reused = 0;

  constructor(private readonly chunks: readonly Buffer[]) {
    super();
  }

  override _read(): void {
    const chunk = this.chunks[this.next++];
    if (chunk === undefined) {
      this.push(null);
      return;
    }
    const index = this.spare.findIndex((spare) => spare.length >= chunk.length);
    let buffer: Buffer;
    if (index >= 0) {
      [buffer] = this.spare.splice(index, 1) as [Buffer];
      this.reused++;
    } else {
      buffer = Buffer.alloc(Math.max(chunk.length, 1024));
      this.buffers.set(buffer.buffer, buffer);
    }
    chunk.copy(buffer);
    this.push(buffer.subarray(0, chunk.length));
  }

  readonly recycle = (chunk: Buffer): void => {
    const buffer = this.buffers.get(chunk.buffer) as Buffer;
    // What it held is now different, invalid text.
    buffer.fill('{"x":"\\');
    this.spare.push(buffer);
  };
}

async function replies(input: Readable, recycle?: (chunk: Buffer) => void): Promise<{ out: string[]; logs: string[] }> {
  const output = new PassThrough();
  const logs: string[] = [];
  const node = new Node({ input, output, log: (line) => logs.push(line), ...(recycle ? { recycle } : {}) });
  serveProjections(node, { rpcTimeoutMs: 1000, clock: () => 0 });
  const lines = new StreamLines(output);
  await node.run();
  output.end();
  return { out: await lines.all(), logs };
}

describe('recycled input chunks', () => {
  const bytes = Buffer.from(requests());

  it('change no reply and no log line, wherever the chunks are cut', async () => {
    const expected = await replies(Readable.from([bytes]));
    expect(expected.out).toHaveLength(6);
    let reused = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { maxLength: 30 }), async (offsets) => {
        const input = new ReusingInput(cut(bytes, offsets));
        const got = await replies(input, input.recycle);
        expect(got).toEqual(expected);
        reused += input.reused;
      }),
      { numRuns: 30 },
    );
    // Buffers were in fact written over and read into again. Not in every run: cuts that make
    // each chunk longer than any spare buffer leave none to reuse.
    expect(reused).toBeGreaterThan(0);
  });
});
