// Benchmark runner for `npm run bench`: times bin/projection-node against the
// baselines on each workload (bench/benches.ts), checks the node's replies, and
// prints each target's ratio with the spread of its rounds.
//
//   npm run bench -- [--rounds N (default 5)] [--only small,growth] [--quick] [--out FILE] [--bin SCRIPT]
//
// --bin runs another build of the node (a Node script) in place of bin/projection-node.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { benches } from './benches.js';
import { type Bench, HAS_TIME, PINNED_CPU, ROOT, runBench } from './harness.js';
import { BenchError } from './lines.js';
import { type Done, load, machine, runsTable, targetsTable } from './report.js';

const WORK = join(ROOT, 'bench', '.work');
const OUT_DIR = join(WORK, 'out');
const QUICK_SCALE = 0.01;

const USAGE = 'usage: npm run bench -- [--rounds N] [--only small,growth] [--quick] [--out FILE] [--bin SCRIPT]';

const OPTIONS = {
  rounds: { type: 'string' },
  only: { type: 'string' },
  quick: { type: 'boolean', default: false },
  out: { type: 'string' },
  bin: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** The command line's options; a wrong one is a BenchError that names it, with the usage. */
function readArgs() {
  try {
    return parseArgs({ options: OPTIONS }).values;
  } catch (error) {
    throw new BenchError(`${(error as Error).message}\n${USAGE}`);
  }
}

function pinning(): string {
  return PINNED_CPU === undefined
    ? 'NOTE: taskset not found: one-at-a-time runs (latency, query-1m) are not pinned, and their round trips vary with where the scheduler puts the driver and the node.'
    : `One-at-a-time runs (latency, query-1m): the driver and the node it drives are pinned to CPU ${PINNED_CPU} (taskset).`;
}

function parseOptions(names: readonly string[]) {
  const values = readArgs();
  // A quick run is a smoke test of the plumbing and replies, so one round is enough by default.
  const rounds = Number(values.rounds ?? (values.quick ? 1 : 5));
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new BenchError(`--rounds must be a positive integer, got ${values.rounds}`);
  const only = values.only
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const name of only ?? []) {
    if (!names.includes(name)) throw new BenchError(`unknown workload ${name}; known: ${names.join(', ')}`);
  }
  return {
    rounds,
    only,
    quick: values.quick,
    out: values.out,
    bin: resolve(values.bin ?? join(ROOT, 'bin', 'projection-node')),
    help: values.help,
  };
}

/** What the node says about itself: its --help text, and whether it answers a query. */
function features(script: string): { dataDir: boolean; query: boolean } {
  const help = spawnSync(process.execPath, [script, '--help'], { encoding: 'utf8' });
  const helpText = `${help.stdout}${help.stderr}`;
  const probe = spawnSync(process.execPath, [script], {
    encoding: 'utf8',
    input: '{"src":"c","dest":"n1","body":{"type":"query","msg_id":1,"projection":"p","key":"k"}}\n',
  });
  let notSupported = true;
  try {
    const body = (JSON.parse(probe.stdout.split('\n')[0] ?? '') as { body?: { type?: unknown; code?: unknown } }).body;
    notSupported = body?.type === 'error' && body.code === 10;
  } catch {
    // No reply, or not JSON: not a node that answers queries.
  }
  return { dataDir: helpText.includes('--data-dir'), query: /\bquery\b/.test(helpText) || !notSupported };
}

const MISSING = {
  'data-dir': 'the node has no --data-dir',
  query: 'the node does not answer query',
} as const;

async function main(): Promise<number> {
  const all = benches(resolve(ROOT, 'bin', 'projection-node'));
  const opts = parseOptions(all.map((b) => b.name));
  if (opts.help) {
    console.log(`${USAGE}\nworkloads: ${all.map((b) => b.name).join(', ')}`);
    return 0;
  }
  if (!existsSync(opts.bin)) throw new BenchError(`${opts.bin} does not exist; build the node first (npm run build)`);
  const selected: Bench[] = benches(opts.bin).filter((b) => !opts.only || opts.only.includes(b.name));
  mkdirSync(OUT_DIR, { recursive: true });
  const scale = opts.quick ? QUICK_SCALE : 1;
  const startLoad = load();
  console.log(`Machine: ${machine()}`);
  console.log(pinning());
  console.log(`Load average (1 / 5 / 15 min) at the start: ${startLoad}`);
  if (!HAS_TIME) console.log('NOTE: /usr/bin/time not found; CPU time and peak RSS are not reported.');
  const has = selected.some((b) => b.needs !== undefined) ? features(opts.bin) : { dataDir: false, query: false };

  // A quick run only checks plumbing and replies, so it runs two workloads at a time; a timed run, one.
  const jobs = opts.quick ? 2 : 1;
  const runOne = async (bench: Bench): Promise<Done> => {
    const buffered: string[] = [];
    const log = jobs === 1 ? (line: string) => console.log(line) : (line: string) => buffered.push(line);
    try {
      if (bench.needs !== undefined && !(bench.needs === 'data-dir' ? has.dataDir : has.query)) {
        const skipped = MISSING[bench.needs];
        log(`${bench.name}: skipped: ${skipped}`);
        return { bench, result: { rounds: 0, scale, runs: new Map(), heapBytes: new Map(), skipped } };
      }
      const started = Date.now();
      const { file, result } = await runBench(bench, {
        workDir: WORK,
        outDir: OUT_DIR,
        scale,
        rounds: opts.rounds,
        quick: opts.quick,
        log,
      });
      log(`  ${bench.name}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      if (result.failure !== undefined) log(`  ${bench.name} FAILED: ${result.failure}`);
      if (result.unanswered !== undefined) log(`  ${bench.name}: not answered: ${result.unanswered}`);
      return { bench, file, result };
    } finally {
      for (const line of buffered) console.log(line);
    }
  };
  const done: Done[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: jobs }, async () => {
      while (next < selected.length) {
        const i = next++;
        done[i] = await runOne(selected[i]!);
      }
    }),
  );

  const report = [
    `# projection-node benchmark${opts.quick ? ' (--quick: tiny sizes, timings not meaningful)' : ''}`,
    '',
    `Machine: ${machine()}`,
    '',
    pinning(),
    '',
    `Load average (1 / 5 / 15 min): ${startLoad} at the start, ${load()} at the end.`,
    '',
    'Targets. A ratio is the median of the per-round ratios, with their range; the denominator spread is',
    '(max − min) / median of its rounds. A ratio target is met or missed only when that spread is under 10%',
    'over at least 3 rounds; otherwise it is unsteady.',
    '',
    targetsTable(done),
    '',
    `Runs: wall time per command, spawn to exit${HAS_TIME ? '; CPU is user + system time (median over rounds), peak RSS the max over rounds (/usr/bin/time)' : ''};`,
    'heap after is heapUsed plus arrayBuffers at exit after two full GCs, from one more run under bench/heap-probe.cjs. On a busy machine the',
    'CPU times move less than the wall times, but they count V8’s helper threads too, so they are not what a target judges.',
    '',
    runsTable(done),
    '',
  ].join('\n');
  console.log(`\n${report}`);
  if (opts.out) writeFileSync(opts.out, report);
  const failed = done.filter((d) => d.result.failure !== undefined);
  if (failed.length > 0) {
    console.error(`\nBENCH FAILED: ${failed.map((d) => d.bench.name).join(', ')}`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (!(err instanceof BenchError)) throw err;
    console.error(`\nBENCH FAILED: ${err.message}`);
    process.exitCode = 1;
  },
);
