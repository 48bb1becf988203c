// Running commands: each round runs every command of a workload once, in an
// order rotated from round to round; then the replies are checked and, where a
// target needs it, each command runs once more under the heap probe.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DriverTimes } from './drivers/one-at-a-time.js';
import { BenchError, compareOutputs, countLines } from './lines.js';
import { type BenchResult, fmtMiB, fmtMs, percentile, type Run, type Target } from './targets.js';
import { prepareWorkload, type WorkloadFile, type WorkloadName } from './workloads.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DRIVER = join(ROOT, 'bench', 'drivers', 'one-at-a-time.ts');
const HEAP_PROBE = join(ROOT, 'bench', 'heap-probe.cjs');
// GNU time reports the child's peak RSS and CPU time; without it neither is reported.
const TIME = '/usr/bin/time';
export const HAS_TIME = existsSync(TIME);

/**
 * The CPU that a one-at-a-time driver shares with the node it drives, when taskset can pin
 * them there. Unpinned on this 2-core VM, each round trip crossed between CPUs or not as
 * the scheduler placed the two processes: 70 to 105 µs when it did (the wakeup goes through
 * the hypervisor), 16 to 25 µs when it did not, so a run's p50 was whichever placement it
 * got (the floor's p50 spread 141% over 5 rounds). On one CPU, a round trip is two context
 * switches and the work.
 */
export const PINNED_CPU = firstAllowedCpu();

function firstAllowedCpu(): number | undefined {
  const result = spawnSync('taskset', ['-cp', String(process.pid)], { encoding: 'utf8' });
  const cpu = result.status === 0 ? /list:\s*(\d+)/.exec(result.stdout)?.[1] : undefined;
  return cpu === undefined ? undefined : Number(cpu);
}

export interface Command {
  /** Its column in the tables, unique within a workload. */
  name: string;
  /** A Node script, run as `node [flags] script ...args`; without one, `node ...args`. */
  script?: string;
  args: readonly string[];
  /** Whether it writes one line per request (not so `node -e 0`). */
  replies: boolean;
  /** Its input, when not the workload's. */
  input?: WorkloadName;
  /** Gets `--data-dir DIR`: a fresh directory, or for an `after` command its predecessor's. */
  dataDir?: boolean;
  /** Runs right after this one in the same round, on the same data directory (a restart). */
  after?: Command;
  /** Sends the requests one at a time through the driver, timing each, instead of stdin from a file. */
  oneAtATime?: boolean;
}

export interface Bench {
  /** The workload's name in the tables and for --only. */
  name: string;
  /** The input every command reads unless it names its own. */
  workload: WorkloadName;
  commands: Command[];
  targets: Target[];
  /**
   * Runs each command this many times a round, interleaved, and takes the run of median wall
   * time as the round's: a run as short as a start (60 ms) is too brief to average out the
   * machine's jitter within itself, as a run of a second does.
   */
  runsPerRound?: number;
  /** The size factor of a --quick run, when the usual one would make the smoke test slow. */
  quickScale?: number;
  /** Runs exactly this many rounds (a long workload judged on memory and answers, not time). */
  rounds?: number;
  /** Pairs [expected, actual] of commands whose replies must be equal as JSON, line by line. */
  same?: [string, string][];
  /** Commands that run once more under the heap probe. */
  heap?: string[];
  /** A further check of the replies; throws BenchError. */
  check?: (files: { out: (command: string) => string; input: string; scale: number }) => void;
  /** Answering at all is the target: a failed run or check is a miss, not a broken bench. */
  answerIsTarget?: boolean;
  /** A feature the node must have for this workload to run. */
  needs?: 'data-dir' | 'query';
}

export interface BenchContext {
  workDir: string;
  outDir: string;
  /** The size factor of the inputs: 1, or --quick's unless the bench has its own. */
  scale: number;
  rounds: number;
  /** A smoke run: runsPerRound is ignored, since its timings mean nothing anyway. */
  quick: boolean;
  log: (line: string) => void;
}

interface Outcome {
  run: Run;
  /** Why the command failed (non-zero exit, a signal), if it did. */
  failure?: string;
}

function slug(name: string): string {
  return name.replace(/[^a-z0-9]+/gi, '_');
}

function tail(path: string, chars = 2000): string {
  if (!existsSync(path)) return '';
  const text = readFileSync(path, 'utf8');
  return text.length > chars ? `…${text.slice(-chars)}` : text;
}

/** The command line of `cmd`, with Node flags before its script. */
export function commandLine(cmd: Command, nodeFlags: readonly string[] = [], dataDir?: string): string[] {
  return [
    process.execPath,
    ...nodeFlags,
    ...(cmd.script === undefined ? [] : [cmd.script]),
    ...cmd.args,
    ...(cmd.dataDir && dataDir !== undefined ? ['--data-dir', dataDir] : []),
  ];
}

function spawnAndWait(
  argv: readonly string[],
  stdio: number[],
  env?: NodeJS.ProcessEnv,
): Promise<{ status: number | string; ms: number }> {
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd: ROOT, stdio, env: env ?? process.env });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      resolve({ status: code ?? signal ?? 'unknown', ms: Number(process.hrtime.bigint() - start) / 1e6 }),
    );
  });
}

/** Runs `argv` once with stdin from `input` and stdout to `output`; the wall time covers spawn to exit. */
async function runProcess(
  argv: readonly string[],
  input: string,
  output: string,
  env?: NodeJS.ProcessEnv,
): Promise<Outcome> {
  const errPath = `${output}.err`;
  const usagePath = `${output}.usage`;
  const timed = HAS_TIME ? [TIME, '-f', '%M %U %S', '-o', usagePath, ...argv] : argv;
  const stdio = [openSync(input, 'r'), openSync(output, 'w'), openSync(errPath, 'w')];
  let result: { status: number | string; ms: number };
  try {
    result = await spawnAndWait(timed, stdio, env);
  } finally {
    for (const fd of stdio) closeSync(fd);
  }
  // GNU time may prefix a status line ("Command exited with non-zero status"); the last line is ours.
  const usage =
    HAS_TIME && existsSync(usagePath)
      ? readFileSync(usagePath, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number)
      : [];
  const [rss = NaN, user = NaN, system = NaN] = usage;
  const stderr = existsSync(errPath) ? readFileSync(errPath, 'utf8') : '';
  // The node says "projection-node: data directory DIR: N syncs" at exit.
  const syncs = [...stderr.matchAll(/: (\d+) syncs?$/gm)].at(-1)?.[1];
  const run: Run = {
    ms: result.ms,
    cpuMs: Number.isFinite(user + system) ? (user + system) * 1000 : undefined,
    rssKiB: Number.isFinite(rss) ? rss : undefined,
    syncs: syncs === undefined ? undefined : Number(syncs),
  };
  if (result.status === 0) return { run };
  return { run, failure: `exited with ${result.status}; stderr (${relative(ROOT, errPath)}):\n${tail(errPath)}` };
}

/** Runs `argv` under the one-at-a-time driver, which times each request's round trip. */
async function runDriven(argv: readonly string[], input: string, output: string): Promise<Outcome> {
  const timesPath = `${output}.times.json`;
  const errPath = `${output}.err`;
  const driver = [
    process.execPath,
    '--import',
    'tsx',
    DRIVER,
    '--input',
    input,
    '--output',
    output,
    '--times',
    timesPath,
    '--stderr',
    errPath,
    '--',
    ...argv,
  ];
  const pinned = PINNED_CPU === undefined ? driver : ['taskset', '-c', String(PINNED_CPU), ...driver];
  const outcome = await runProcess(pinned, '/dev/null', `${output}.driver`);
  if (outcome.failure !== undefined)
    return {
      ...outcome,
      failure: `${outcome.failure}\nthe node's stderr (${relative(ROOT, errPath)}):\n${tail(errPath)}`,
    };
  const times = JSON.parse(readFileSync(timesPath, 'utf8')) as DriverTimes;
  if (PINNED_CPU !== undefined && times.nodeCpus !== String(PINNED_CPU))
    return { run: { ms: outcome.run.ms }, failure: `ran on CPUs ${times.nodeCpus}, not pinned to CPU ${PINNED_CPU}` };
  // The driver's own CPU time and RSS would only blur the node's.
  return { run: { ms: outcome.run.ms, requests: times.requests } };
}

function describeRun(cmd: Command, run: Run): string {
  if (run.requests !== undefined) {
    // The figures of the most frequent request type; a setup request would only blur them.
    const counts = new Map<string, number>();
    for (const r of run.requests) counts.set(r.label, (counts.get(r.label) ?? 0) + 1);
    const label = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
    const ns = run.requests.filter((r) => r.label === label).map((r) => r.ns);
    if (ns.length === 0) return `${cmd.name} no requests`;
    return `${cmd.name} ${ns.length} × ${label}, p50 ${fmtMs(percentile(ns, 0.5) / 1e6)}, p99 ${fmtMs(percentile(ns, 0.99) / 1e6)}`;
  }
  const usage = [
    run.cpuMs === undefined ? '' : `cpu ${fmtMs(run.cpuMs)}`,
    run.rssKiB === undefined ? '' : fmtMiB(run.rssKiB * 1024),
  ].filter((x) => x !== '');
  const syncs = run.syncs === undefined ? '' : ` ${run.syncs} syncs`;
  return `${cmd.name} ${fmtMs(run.ms)}${usage.length > 0 ? ` (${usage.join(', ')})` : ''}${syncs}`;
}

/** The commands in the order the round after `previous` rounds runs them: rotated, so that none always runs first. */
function roundOrder<T>(commands: readonly T[], previous: number): T[] {
  const shift = previous % commands.length;
  return [...commands.slice(shift), ...commands.slice(0, shift)];
}

/** Every command of the bench, each followed by its `after` commands. */
function allCommands(bench: Bench): Command[] {
  return bench.commands.flatMap((c) => {
    const chain: Command[] = [];
    for (let x: Command | undefined = c; x !== undefined; x = x.after) chain.push(x);
    return chain;
  });
}

/** One bench's inputs, outputs and figures as its rounds fill them in. */
interface Session {
  bench: Bench;
  ctx: BenchContext;
  file: WorkloadFile;
  rounds: number;
  /** How many times each command runs a round; the median run is the round's. */
  runsPerRound: number;
  runs: Map<string, Run[]>;
  heapBytes: Map<string, number>;
  inputOf(cmd: Command): WorkloadFile;
  /** The output file of the command with this name. */
  out(name: string): string;
}

function session(bench: Bench, context: BenchContext): Session {
  const ctx = { ...context, scale: context.quick ? (bench.quickScale ?? context.scale) : context.scale };
  const inputs = new Map<WorkloadName, WorkloadFile>();
  const input = (name: WorkloadName): WorkloadFile => {
    let f = inputs.get(name);
    if (f === undefined) inputs.set(name, (f = prepareWorkload(name, ctx.scale, ctx.workDir)));
    return f;
  };
  return {
    bench,
    ctx,
    file: input(bench.workload),
    rounds: bench.rounds ?? ctx.rounds,
    runsPerRound: ctx.quick ? 1 : (bench.runsPerRound ?? 1),
    runs: new Map(allCommands(bench).map((c) => [c.name, []])),
    heapBytes: new Map(),
    inputOf: (cmd) => input(cmd.input ?? bench.workload),
    out: (name) => join(ctx.outDir, `${bench.name}.${slug(name)}.out`),
  };
}

function command(s: Session, name: string): Command {
  const cmd = allCommands(s.bench).find((c) => c.name === name);
  if (cmd === undefined) throw new BenchError(`${s.bench.name} has no command ${name}`);
  return cmd;
}

/**
 * Times every command once per round (or runsPerRound times, keeping the median run), a
 * data directory's commands back to back, in an order rotated from run to run.
 */
async function runRounds(s: Session): Promise<void> {
  for (let round = 1; round <= s.rounds; round++) {
    const progress: string[] = [];
    const runs = new Map<Command, Run[]>();
    try {
      for (let repeat = 0; repeat < s.runsPerRound; repeat++) {
        for (const first of roundOrder(s.bench.commands, (round - 1) * s.runsPerRound + repeat)) {
          await runChain(s, first, (cmd, run) => runs.set(cmd, [...(runs.get(cmd) ?? []), run]));
        }
      }
    } finally {
      for (const [cmd, all] of runs) {
        const run = medianRun(all);
        s.runs.get(cmd.name)!.push(run);
        progress.push(describeRun(cmd, run));
      }
      s.ctx.log(`  ${s.bench.name} round ${round}/${s.rounds}: ${progress.join(', ')}`);
    }
  }
}

/** Runs `first` and the commands `after` it, on one fresh data directory if they take one. */
async function runChain(s: Session, first: Command, done: (cmd: Command, run: Run) => void): Promise<void> {
  const dir = first.dataDir ? mkdtempSync(join(os.tmpdir(), 'projection-bench-')) : undefined;
  try {
    for (let cmd: Command | undefined = first; cmd !== undefined; cmd = cmd.after) {
      const argv = commandLine(cmd, [], dir);
      const input = s.inputOf(cmd).path;
      const outcome = cmd.oneAtATime
        ? await runDriven(argv, input, s.out(cmd.name))
        : await runProcess(argv, input, s.out(cmd.name));
      done(cmd, outcome.run);
      if (outcome.failure !== undefined) throw new BenchError(`${cmd.name} ${outcome.failure}`);
    }
  } finally {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }
}

/** The run of median wall time (the lower middle one of an even count). */
export function medianRun(runs: readonly Run[]): Run {
  return [...runs].sort((a, b) => a.ms - b.ms)[(runs.length - 1) >> 1]!;
}

/** One reply per request from each command, equal replies where the bench says so, and its own check. */
function checkReplies(s: Session): void {
  for (const cmd of allCommands(s.bench).filter((c) => c.replies)) {
    const lines = countLines(s.out(cmd.name));
    const expected = s.inputOf(cmd).lines;
    if (lines !== expected)
      throw new BenchError(
        `${cmd.name} wrote ${lines} lines for ${expected} requests (${relative(ROOT, s.out(cmd.name))})`,
      );
  }
  for (const [expected, actual] of s.bench.same ?? []) {
    compareOutputs({ name: expected, path: s.out(expected) }, { name: actual, path: s.out(actual) });
    s.ctx.log(`  ${s.bench.name}: ${actual} replies match ${expected} (${s.inputOf(command(s, actual)).lines} lines)`);
  }
  s.bench.check?.({ out: s.out, input: s.file.path, scale: s.ctx.scale });
}

/** Runs each command the bench names once more, under the heap probe, for its heap at exit. */
async function probeHeaps(s: Session): Promise<void> {
  for (const name of s.bench.heap ?? []) {
    const cmd = command(s, name);
    const heapPath = `${s.out(name)}.heap`;
    rmSync(heapPath, { force: true });
    const env = { ...process.env, HEAP_PROBE_FILE: heapPath };
    const argv = commandLine(cmd, ['--expose-gc', '--require', HEAP_PROBE]);
    const outcome = await runProcess(argv, s.inputOf(cmd).path, `${s.out(name)}.probed`, env);
    if (outcome.failure !== undefined) throw new BenchError(`${name} under the heap probe ${outcome.failure}`);
    if (!existsSync(heapPath))
      throw new BenchError(`${name} under the heap probe wrote no ${relative(ROOT, heapPath)}`);
    s.heapBytes.set(name, Number(readFileSync(heapPath, 'utf8')));
    s.ctx.log(`  ${s.bench.name}: ${name} heap after the run ${fmtMiB(s.heapBytes.get(name)!)}`);
  }
}

/** Runs the bench's rounds, checks and probes; a failure is recorded in the result, not thrown. */
export async function runBench(
  bench: Bench,
  context: BenchContext,
): Promise<{ file: WorkloadFile; result: BenchResult }> {
  const s = session(bench, context);
  const result = (extra: Partial<BenchResult> = {}) => ({
    file: s.file,
    result: { rounds: s.rounds, scale: s.ctx.scale, runs: s.runs, heapBytes: s.heapBytes, ...extra },
  });
  s.ctx.log(`${bench.name}: ${s.file.lines} requests, ${(s.file.bytes / 1e6).toFixed(1)} MB input`);
  try {
    await runRounds(s);
    checkReplies(s);
    await probeHeaps(s);
  } catch (error) {
    if (!(error instanceof BenchError)) throw error;
    return result(bench.answerIsTarget ? { unanswered: error.message } : { failure: error.message });
  }
  return result();
}
