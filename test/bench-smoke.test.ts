import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

const WORKLOADS = [
  'small',
  'small-durable',
  'growth',
  'upsert-large',
  'rebuild',
  'rebuild-1m',
  'rebuild-1m-durable',
  'restart-1m',
  'rebuild-3m',
  'creates-1m',
  'ids-1m',
  'query-1m',
  'startup',
  'latency',
];

describe('npm run bench, as a tiny smoke run', () => {
  // It takes a few seconds on an idle machine; the margin is for a machine busy with other work.
  it('runs every workload at small sizes, checks the replies, and writes the targets table', {
    timeout: 120_000,
  }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
    try {
      const out = join(dir, 'bench.md');
      // --quick only proves the script works and checks replies; its timings mean nothing, so none is asserted.
      const output = execFileSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick', '--out', out], {
        cwd: root,
        encoding: 'utf8',
      });
      for (const workload of ['small', 'growth', 'upsert-large', 'rebuild', 'creates-1m', 'startup']) {
        expect(output).toMatch(new RegExp(`^  ${workload}: project replies match naive \\(\\d+ lines\\)$`, 'm'));
      }
      expect(output).toMatch(/^ {2}ids-1m: project replies match project, no ids \(\d+ lines\)$/m);
      // The bare node answers small byte for byte as the node does, and small's row says how it ran.
      expect(output).toMatch(/^ {2}small: bare replies match project \(\d+ lines\)$/m);
      const markdown = readFileSync(out, 'utf8');
      expect(markdown).toMatch(/^Machine: .+, \d+ cores, .+ GiB RAM, Node v\d+/m);
      // The bench fails a one-at-a-time run whose node was not on the CPU this line names.
      expect(markdown).toMatch(
        /^(One-at-a-time runs \(latency, query-1m\): the driver and the node it drives are pinned to CPU \d+ \(taskset\)\.|NOTE: taskset not found: .*)$/m,
      );
      for (const workload of WORKLOADS) {
        // Every target has a row with a status; at 1% size the answers, not the timings, are what is checked.
        expect(markdown).toMatch(new RegExp(`^\\| ${workload} +\\|.*\\| (met|missed|unsteady|skipped[^|]*) +\\|`, 'm'));
      }
      expect(markdown).toMatch(/^\| rebuild-3m +\| answered .*\| met +\|/m);
      expect(markdown).toMatch(/^\| small +\| ≤ 1\.3× floor .*\| bare node \d+\.\d{3}× the floor/m);
      // The event-loop floor runs beside the floor, and the latency row reports its p50.
      expect(markdown).toMatch(/^\| latency +\| 0\.\d MB +\| event-loop floor \(one at a time\) +\| 1 +\|/m);
      // A busy machine may take the p50 past a millisecond, which is then written in ms.
      expect(markdown).toMatch(/^\| latency +\|.*\| event-loop floor p50 [\d.]+ (µs|ms); p99: project /m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const USAGE = 'usage: npm run bench -- [--rounds N] [--only small,growth] [--quick] [--out FILE] [--bin SCRIPT]';

describe('npm run bench, asked for help or given a wrong option', () => {
  const bench = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...args], { cwd: root, encoding: 'utf8' });

  it('--help prints the usage and the workloads, and runs nothing', () => {
    const { status, stdout, stderr } = bench('--help');
    expect(status).toBe(0);
    expect(stderr).toBe('');
    const [usage, workloads, rest] = stdout.split('\n');
    expect(usage).toBe(USAGE);
    // restart-1m is a target of the rebuild-1m-durable bench, not a workload of its own.
    expect(
      workloads
        ?.replace(/^workloads: /, '')
        .split(', ')
        .sort(),
    ).toEqual(WORKLOADS.filter((name) => name !== 'restart-1m').sort());
    expect(rest).toBe('');
  });

  it('an unknown option is named, with the usage, without a stack trace', () => {
    const { status, stdout, stderr } = bench('--bogus');
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(`\nBENCH FAILED: Unknown option '--bogus'\n${USAGE}\n`);
  });
});
