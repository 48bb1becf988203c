import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/spawned-node.js';

describe('start-up', () => {
  it('loads neither node:crypto nor node:zlib: only long keys, clusters and --data-dir need them', () => {
    // Run from a file, as the bin is: `node -e` loads node:crypto by itself.
    const script = `require(${JSON.stringify(`${ROOT}dist/projection-node.cjs`)});
      process.stdout.write(JSON.stringify(process.moduleLoadList.filter((name) => /crypto|zlib/.test(name))));`;
    const result = spawnSync(process.execPath, ['-'], { input: script, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([]);
  });
});
