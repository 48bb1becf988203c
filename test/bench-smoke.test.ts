import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

const WORKLOADS = ['small', 'growth', 'rebuild', 'rebuild-1m', 'startup'];

describe('npm run bench, as a tiny smoke run', () => {
  it('runs every workload at 1% size, checks the replies, and writes the targets table', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
    try {
      const out = join(dir, 'bench.md');
      // --quick only proves the script works and checks replies; its timings mean nothing, so none is asserted.
      const output = execFileSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick', '--out', out], { cwd: root, encoding: 'utf8' });
      for (const workload of ['small', 'growth', 'rebuild', 'startup']) {
        expect(output).toMatch(new RegExp(`^  ${workload}: project replies match naive \\(\\d+ lines\\)$`, 'm'));
      }
      const markdown = readFileSync(out, 'utf8');
      expect(markdown).toMatch(/^Machine: .+, \d+ cores, .+ GiB RAM, Node v\d+/m);
      for (const workload of WORKLOADS) {
        // Every target has a row with a status; at 1% size the answers, not the timings, are what is checked.
        expect(markdown).toMatch(new RegExp(`^\\| ${workload} +\\|.*\\| (met|missed|unsteady) +\\|`, 'm'));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
