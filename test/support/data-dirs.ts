import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { Journal } from '../../src/durable/journal.js';
import type { Clock } from '../../src/projections/store.js';
import { serveProjections } from '../../src/serve.js';
import { exchange } from './in-process-node.js';
import { requestLines } from './messages.js';

/** Makes fresh temporary data directories, named from `prefix`, each removed after its test. */
export function dataDirsRemovedAfterEach(prefix: string): () => string {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
}

/**
 * One run of an in-process node on `dataDir` whose clock reads `clock`, the directory closed
 * after it: its output lines. `maxStateJson` lowers the state size limit.
 */
export async function runOnDataDir(
  dataDir: string,
  clock: Clock,
  requests: readonly object[],
  maxStateJson?: number,
): Promise<string[]> {
  let journal: Journal | undefined;
  const fatal = (message: string): never => {
    throw new Error(message);
  };
  const { out } = await exchange(requestLines(requests), (node) => {
    journal = serveProjections(node, {
      rpcTimeoutMs: 1000,
      clock,
      durable: { dataDir, log: () => {}, fatal },
      ...(maxStateJson === undefined ? {} : { maxStateJson }),
    });
  });
  journal?.close();
  return out;
}
