import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('npm run bench, as a tiny smoke run', () => {
  it('runs every workload at 1% size and finds the replies equal to the naive baseline', () => {
    // --quick only proves the script works and checks replies; its timings mean nothing, so none is asserted.
    const output = execFileSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick'], {
      cwd: root,
      encoding: 'utf8',
    });
    for (const workload of ['small', 'growth', 'rebuild', 'startup']) {
      expect(output).toMatch(new RegExp(`^  ${workload}: project replies match naive \\(\\d+ lines\\)$`, 'm'));
    }
  });
});
