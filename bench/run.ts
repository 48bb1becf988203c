// Benchmark runner for `npm run bench`: times bin/projection-node against the
// naive and floor baselines on each workload, checks the project's replies
// against the naive's, and prints medians plus the target ratios (each the median
// of the per-round ratios).
//
//   npm run bench -- [--rounds N (default 5)] [--only small,growth] [--quick] [--out FILE]
import { spawn } from 'node:child_process';
import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { GENERATORS, prepareWorkload, type WorkloadFile, type WorkloadName } from './workloads.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WORK = join(ROOT, 'bench', '.work');
const OUT_DIR = join(WORK, 'out');
// GNU time reports the child's peak RSS; without it RSS is reported as n/a.
const TIME = '/usr/bin/time';
const HAS_TIME = existsSync(TIME);
const QUICK_SCALE = 0.01;
const SHOW_CHARS = 300;

interface Command {
  name: string;
  file: string;
  args: string[];
  /** Whether it writes one line per request (false for `node -e 0`). */
  replies: boolean;
}

interface Run {
  ms: number;
  rssKiB: number | undefined;
}

interface Summary {
  medianMs: number;
  /** Wall time of each round, in round order. */
  roundMs: number[];
  peakRssKiB: number | undefined;
}

interface Target {
  metric: string;
  value: (stats: Map<string, Summary>) => number | undefined;
  max: number;
  format: (v: number) => string;
  /** More figures for the reader, not for the status. */
  note?: (stats: Map<string, Summary>) => string;
}

interface Bench {
  workload: WorkloadName;
  commands: Command[];
  targets: Target[];
  /** Runs this many times more rounds than asked: short runs need more samples to beat noise. */
  roundsFactor?: number;
}

/** A failure that must stop the bench with a non-zero exit. */
class BenchError extends Error {}

const PROJECT: Command = { name: 'project', file: join(ROOT, 'bin', 'projection-node'), args: [], replies: true };
const NAIVE: Command = { name: 'naive', file: process.execPath, args: [join(ROOT, 'bench/baselines/naive.mjs')], replies: true };
const FLOOR: Command = { name: 'floor', file: process.execPath, args: [join(ROOT, 'bench/baselines/floor.cjs')], replies: true };
const NODE_E0: Command = { name: 'node -e 0', file: process.execPath, args: ['-e', '0'], replies: false };
const COLUMNS = [PROJECT, NAIVE, FLOOR, NODE_E0];

/**
 * The median over rounds of num's time over den's in the same round. The two run
 * seconds apart, so the machine's drift, which moves both, cancels out of each
 * ratio; a ratio of the two medians would take them from different rounds.
 */
function ratio(num: Command, den: Command, max: number): Target {
  const pair = (s: Map<string, Summary>) => {
    const a = s.get(num.name);
    const b = s.get(den.name);
    return a && b ? { a, b } : undefined;
  };
  return {
    metric: `${num.name} / ${den.name}`,
    value: (s) => {
      const p = pair(s);
      return p && median(p.a.roundMs.map((ms, round) => ms / p.b.roundMs[round]!));
    },
    max,
    format: (v) => v.toFixed(3),
    note: (s) => {
      const p = pair(s);
      return p ? `ratio of medians ${(p.a.medianMs / p.b.medianMs).toFixed(3)}` : '';
    },
  };
}

const BENCHES: Bench[] = [
  { workload: 'small', commands: [PROJECT, NAIVE, FLOOR], targets: [ratio(PROJECT, FLOOR, 1.3)] },
  { workload: 'growth', commands: [PROJECT, NAIVE, FLOOR], targets: [ratio(PROJECT, NAIVE, 0.2)] },
  { workload: 'rebuild', commands: [PROJECT, NAIVE, FLOOR], targets: [ratio(PROJECT, NAIVE, 0.1)] },
  {
    // The naive is quadratic here, so only the project runs.
    workload: 'rebuild-1m',
    commands: [PROJECT],
    targets: [
      { metric: 'project time', value: (s) => s.get(PROJECT.name)?.medianMs, max: 3000, format: fmtMs },
      { metric: 'project peak RSS', value: (s) => s.get(PROJECT.name)?.peakRssKiB, max: 1024 * 1024, format: fmtKiB },
    ],
  },
  { workload: 'startup', commands: [PROJECT, NAIVE, FLOOR, NODE_E0], targets: [ratio(PROJECT, NODE_E0, 2)], roundsFactor: 10 },
];

function fmtMs(ms: number): string {
  return ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`;
}

function fmtKiB(kib: number): string {
  return `${(kib / 1024).toFixed(0)} MiB`;
}

function fmtRun(ms: number, rssKiB: number | undefined): string {
  return rssKiB === undefined ? fmtMs(ms) : `${fmtMs(ms)} (${fmtKiB(rssKiB)})`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function slug(name: string): string {
  return name.replace(/[^a-z0-9]+/gi, '_');
}

function tail(path: string, chars = 2000): string {
  const text = readFileSync(path, 'utf8');
  return text.length > chars ? `…${text.slice(-chars)}` : text;
}

/** Runs `cmd` once with stdin from `input` and stdout to `output`; wall time covers spawn to exit. */
async function timeRun(cmd: Command, input: string, output: string): Promise<Run> {
  const errPath = `${output}.err`;
  const rssPath = `${output}.rss`;
  const [file, args] = HAS_TIME ? [TIME, ['-f', '%M', '-o', rssPath, cmd.file, ...cmd.args]] : [cmd.file, cmd.args];
  const stdio = [openSync(input, 'r'), openSync(output, 'w'), openSync(errPath, 'w')];
  let status: number | string;
  let ms: number;
  try {
    const start = process.hrtime.bigint();
    status = await new Promise<number | string>((resolve, reject) => {
      const child = spawn(file, args, { cwd: ROOT, stdio });
      child.on('error', reject);
      child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    });
    ms = Number(process.hrtime.bigint() - start) / 1e6;
  } finally {
    for (const fd of stdio) closeSync(fd);
  }
  if (status !== 0) {
    throw new BenchError(`${cmd.name} exited with ${status} on ${input}; stderr (${errPath}):\n${tail(errPath)}`);
  }
  // GNU time may prefix a status line; the last line is %M.
  const rssKiB = HAS_TIME ? Number(readFileSync(rssPath, 'utf8').trim().split('\n').at(-1)) : undefined;
  return { ms, rssKiB };
}

/** Reads a file line by line without holding it all; lines may be many MB long. */
class LineReader {
  private buf = Buffer.alloc(0);
  private start = 0;
  private eof = false;
  private readonly fd: number;

  constructor(path: string) {
    this.fd = openSync(path, 'r');
  }

  /** The next line without its newline (valid until the following call), or undefined at end of file. */
  next(): Buffer | undefined {
    for (;;) {
      const nl = this.buf.indexOf(10, this.start);
      if (nl !== -1) {
        const line = this.buf.subarray(this.start, nl);
        this.start = nl + 1;
        return line;
      }
      if (this.eof) {
        if (this.start === this.buf.length) return undefined;
        const line = this.buf.subarray(this.start);
        this.start = this.buf.length;
        return line;
      }
      this.fill();
    }
  }

  close(): void {
    closeSync(this.fd);
  }

  private fill(): void {
    const rest = this.buf.subarray(this.start);
    // Doubling keeps reading a very long line linear overall.
    const next = Buffer.allocUnsafe(Math.max(1 << 20, rest.length * 2));
    rest.copy(next);
    const n = readSync(this.fd, next, rest.length, next.length - rest.length, null);
    if (n === 0) this.eof = true;
    this.buf = next.subarray(0, rest.length + n);
    this.start = 0;
  }
}

function countLines(path: string): number {
  const reader = new LineReader(path);
  let n = 0;
  while (reader.next() !== undefined) n += 1;
  reader.close();
  return n;
}

function parseOrUndefined(line: Buffer): unknown {
  try {
    return JSON.parse(line.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function show(line: Buffer | undefined): string {
  if (line === undefined) return '<end of output>';
  const text = line.toString('utf8');
  return text.length > SHOW_CHARS ? `${text.slice(0, SHOW_CHARS)}…` : text;
}

/** Throws on the first line where the two outputs differ as parsed JSON (invalid JSON always differs). */
function compareOutputs(expected: { name: string; path: string }, actual: { name: string; path: string }): void {
  const a = new LineReader(expected.path);
  const b = new LineReader(actual.path);
  try {
    for (let lineNo = 1; ; lineNo++) {
      const la = a.next();
      const lb = b.next();
      if (la === undefined && lb === undefined) return;
      // Byte-identical lines parse identically, so only differing bytes need parsing.
      if (la !== undefined && lb !== undefined && la.equals(lb)) continue;
      const pa = la === undefined ? undefined : parseOrUndefined(la);
      const pb = lb === undefined ? undefined : parseOrUndefined(lb);
      if (pa === undefined || pb === undefined || !isDeepStrictEqual(pa, pb)) {
        throw new BenchError(
          `replies differ at line ${lineNo} (${expected.path} vs ${actual.path})\n` +
            `  ${expected.name}: ${show(la)}\n  ${actual.name}: ${show(lb)}`,
        );
      }
    }
  } finally {
    a.close();
    b.close();
  }
}

/** The commands in the order the round after `previous` rounds runs them: rotated, so that none always runs first. */
function roundOrder(commands: readonly Command[], previous: number): Command[] {
  const shift = previous % commands.length;
  return [...commands.slice(shift), ...commands.slice(0, shift)];
}

/** Times each command alternately for `rounds` rounds, then checks line counts and replies. */
async function runBench(bench: Bench, file: WorkloadFile, rounds: number): Promise<Map<string, Summary>> {
  const outPath = (cmd: Command) => join(OUT_DIR, `${bench.workload}.${slug(cmd.name)}.out`);
  const runs = new Map<string, Run[]>(bench.commands.map((c) => [c.name, []]));
  for (let round = 1; round <= rounds; round++) {
    const progress: string[] = [];
    for (const cmd of roundOrder(bench.commands, round - 1)) {
      const run = await timeRun(cmd, file.path, outPath(cmd));
      runs.get(cmd.name)!.push(run);
      progress.push(`${cmd.name} ${fmtRun(run.ms, run.rssKiB)}`);
    }
    console.log(`  ${bench.workload} round ${round}/${rounds}: ${progress.join(', ')}`);
  }

  for (const cmd of bench.commands.filter((c) => c.replies)) {
    const lines = countLines(outPath(cmd));
    if (lines !== file.lines) {
      throw new BenchError(`${cmd.name} wrote ${lines} lines for ${file.lines} requests on ${bench.workload} (${outPath(cmd)})`);
    }
  }
  if (bench.commands.includes(PROJECT) && bench.commands.includes(NAIVE)) {
    compareOutputs({ name: NAIVE.name, path: outPath(NAIVE) }, { name: PROJECT.name, path: outPath(PROJECT) });
    console.log(`  ${bench.workload}: project replies match naive (${file.lines} lines)`);
  }

  const stats = new Map<string, Summary>();
  for (const [name, rs] of runs) {
    const rss = rs.map((r) => r.rssKiB).filter((x) => x !== undefined);
    stats.set(name, {
      medianMs: median(rs.map((r) => r.ms)),
      roundMs: rs.map((r) => r.ms),
      peakRssKiB: rss.length > 0 ? Math.max(...rss) : undefined,
    });
  }
  return stats;
}

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function machine(): string {
  const cpus = os.cpus();
  const mem = (os.totalmem() / 2 ** 30).toFixed(1);
  return `${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} CPUs, ${mem} GiB RAM, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

function parseOptions() {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string' },
      only: { type: 'string' },
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
    },
  });
  // A quick run is a smoke test of the plumbing and replies, so one round is enough by default.
  const rounds = Number(values.rounds ?? (values.quick ? 1 : 5));
  if (!Number.isInteger(rounds) || rounds < 1) throw new BenchError(`--rounds must be a positive integer, got ${values.rounds}`);
  const only = values.only?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const name of only ?? []) {
    if (!(name in GENERATORS)) throw new BenchError(`unknown workload ${name}; known: ${Object.keys(GENERATORS).join(', ')}`);
  }
  return { rounds, only, quick: values.quick, out: values.out };
}

function projectAvailable(): boolean {
  try {
    accessSync(PROJECT.file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const opts = parseOptions();
  mkdirSync(OUT_DIR, { recursive: true });
  const scale = opts.quick ? QUICK_SCALE : 1;
  const hasProject = projectAvailable();
  console.log(`Machine: ${machine()}`);
  if (!hasProject) console.log(`NOTE: ${PROJECT.file} is missing or not executable; benchmarking the baselines only.`);
  if (!HAS_TIME) console.log(`NOTE: ${TIME} not found; peak RSS is reported as n/a.`);

  const results: { bench: Bench; file: WorkloadFile; rounds: number; stats: Map<string, Summary> }[] = [];
  for (const bench of BENCHES.filter((b) => !opts.only || opts.only.includes(b.workload))) {
    const commands = bench.commands.filter((c) => hasProject || c !== PROJECT);
    if (commands.length === 0) {
      console.log(`${bench.workload}: skipped (needs the project)`);
      continue;
    }
    const file = prepareWorkload(bench.workload, scale, WORK);
    console.log(`${bench.workload}: ${file.lines} requests, ${(file.bytes / 1e6).toFixed(1)} MB input`);
    // A quick run only smoke-tests plumbing and replies, so extra samples are wasted there.
    const rounds = opts.quick ? opts.rounds : opts.rounds * (bench.roundsFactor ?? 1);
    const stats = await runBench({ ...bench, commands }, file, rounds);
    results.push({ bench, file, rounds, stats });
  }

  const timing = table(
    ['workload', 'input', 'rounds', ...COLUMNS.map((c) => c.name)],
    results.map(({ bench, file, rounds, stats }) => [
      bench.workload,
      `${(file.bytes / 1e6).toFixed(1)} MB`,
      String(rounds),
      ...COLUMNS.map((c) => {
        const s = stats.get(c.name);
        return s ? fmtRun(s.medianMs, s.peakRssKiB) : '—';
      }),
    ]),
  );
  const targets = table(
    ['workload', 'metric', 'value', 'target', 'status', 'note'],
    results.flatMap(({ bench, stats }) =>
      bench.targets.map((t) => {
        const v = t.value(stats);
        const status = v === undefined ? 'n/a' : v <= t.max ? 'met' : 'MISSED';
        return [bench.workload, t.metric, v === undefined ? 'n/a' : t.format(v), `≤ ${t.format(t.max)}`, status, t.note?.(stats) ?? ''];
      }),
    ),
  );
  const report = [
    `# projection-node benchmark${opts.quick ? ' (--quick: tiny sizes, timings not meaningful)' : ''}`,
    '',
    `Machine: ${machine()}`,
    '',
    `Median wall time per command, spawn to exit${HAS_TIME ? ', and peak RSS (max over rounds, via /usr/bin/time)' : ''}:`,
    '',
    timing,
    '',
    'Targets (a ratio is the median of the per-round ratios):',
    '',
    targets,
    '',
  ].join('\n');
  console.log(`\n${report}`);
  if (opts.out) writeFileSync(opts.out, report);
}

main().catch((err: unknown) => {
  if (!(err instanceof BenchError)) throw err;
  console.error(`\nBENCH FAILED: ${err.message}`);
  process.exit(1);
});
