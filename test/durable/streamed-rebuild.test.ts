/** A rebuild that streams, on a node with --data-dir. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Journal } from '../../src/durable/journal.js';
import { serveProjections } from '../../src/serve.js';
import { start } from '../support/in-process-node.js';
import { bodies, message, type ReplyBody } from '../support/messages.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** One run of a node on `dataDir`, its input written in pieces of `size` bytes, a turn of the event loop apiece. */
async function runOn(dataDir: string, lines: readonly string[], size = 16 * 1024): Promise<ReplyBody[]> {
  let journal: Journal | undefined;
  const fatal = (text: string): never => {
    throw new Error(text);
  };
  const harness = start((node) => {
    journal = serveProjections(node, { rpcTimeoutMs: 1000, durable: { dataDir, log: () => {}, fatal } });
  });
  const input = Buffer.from(`${lines.join('\n')}\n`);
  for (let from = 0; from < input.length; from += size) {
    harness.write(input.subarray(from, from + size));
    await new Promise((resolve) => setImmediate(resolve));
  }
  const out = await harness.finish();
  journal?.close();
  return bodies(out);
}

/** A rebuild of p long enough to stream: 3000 events of about 60 bytes, over 100 ids. */
function longRebuild(msgId: number): string {
  const events = Array.from(
    { length: 3000 },
    (_, n) => `{"event_type":"E","event_id":"e${n}","event_data":{"id":${n % 100},"n":${n}}}`,
  );
  return message(`{"type":"rebuild","msg_id":${msgId},"projection":"p","events":[${events.join(',')}]}`);
}

describe('a streamed rebuild with --data-dir', () => {
  it('as the first request after a restart, rebuilds the projection the data directory holds', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'projection-node-streamed-'));
    dirs.push(dataDir);
    await runOn(dataDir, [message('{"type":"create","msg_id":1,"name":"p","handlers":{"Gone":"remove"}}')]);
    const replies = await runOn(dataDir, [longRebuild(2), message('{"type":"describe","msg_id":3,"projection":"p"}')]);
    expect(replies[0]).toEqual({
      type: 'projection_rebuilt',
      in_reply_to: 2,
      projection: 'p',
      events_processed: 3000,
      version: 3000,
    });
    expect(replies[1]).toMatchObject({ version: 3000, handlers: { Gone: 'remove' }, size: 100, event_ids: 3000 });
  });
});
