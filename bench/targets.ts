// Targets and how a run is judged against them. A ratio target is judged on the
// median of its per-round ratios, and only in a run whose denominator was steady:
// if the denominator's rounds spread by 10% or more of their median, the machine
// was too busy to tell and the status is `unsteady`, neither met nor missed.
import type { RequestTime } from './drivers/one-at-a-time.js';

/** One timed execution of one command. */
export interface Run {
  /** Wall time from spawn to exit. */
  ms: number;
  /** User plus system CPU time, from /usr/bin/time. */
  cpuMs?: number;
  /** Peak RSS, from /usr/bin/time. */
  rssKiB?: number;
  /** What the node reported as `syncs: N` on stderr, if it did. */
  syncs?: number;
  /** Round trips of each request, for a command run through the one-at-a-time driver. */
  requests?: RequestTime[];
}

/** What one workload's rounds produced, for the targets to judge. */
export interface BenchResult {
  rounds: number;
  /** The size factor of the inputs (1, or --quick's). */
  scale: number;
  /** Each command's runs, in round order. */
  runs: ReadonlyMap<string, readonly Run[]>;
  /** Heap used at exit after a full collection, from one probed run per command. */
  heapBytes: ReadonlyMap<string, number>;
  /** A failed check or command: every target is missed and the bench exits non-zero. */
  failure?: string;
  /** For a workload whose target is to be answered at all: why it was not. */
  unanswered?: string;
  /** Why the workload did not run. */
  skipped?: string;
}

export type Status = 'met' | 'missed' | 'unsteady' | 'skipped';

export interface Verdict {
  project: string;
  denominator: string;
  ratio: string;
  denominatorSpread: string;
  status: Status;
  note: string;
}

export interface Target {
  /** The table's workload column, when it is not the bench's own name. */
  workload?: string;
  describe: string;
  judge(result: BenchResult): Verdict;
}

/** A denominator whose rounds spread this much (relative to their median) or more is unsteady. */
export const STEADY_SPREAD = 0.1;
/** Fewer rounds than this say nothing about the spread. */
export const MIN_ROUNDS = 3;

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** (max − min) / median. */
export function spread(xs: readonly number[]): number {
  return (Math.max(...xs) - Math.min(...xs)) / median(xs);
}

/** The q-quantile (0..1) by the nearest-rank method. */
export function percentile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

export function fmtMs(ms: number): string {
  return ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 1 ? `${ms.toFixed(1)} ms` : `${(ms * 1000).toFixed(0)} µs`;
}

export function fmtMiB(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 1 : 0)} MiB`;
}

export function fmtPct(x: number): string {
  return `${(x * 100).toFixed(0)}%`;
}

function fmtRatio(x: number): string {
  return x >= 10 ? `${x.toFixed(1)}×` : `${x.toFixed(3)}×`;
}

/** A per-round figure of one command's run. */
export interface Measure {
  command: string;
  /** How the figure is named in a target, e.g. "floor" or "floor p50". */
  label: string;
  value(run: Run): number | undefined;
  format(v: number): string;
}

export function wallTime(command: string, label = command): Measure {
  return { command, label, value: (r) => r.ms, format: fmtMs };
}

function requestNs(run: Run, labels: readonly string[]): number[] {
  return (run.requests ?? []).filter((r) => labels.includes(r.label)).map((r) => r.ns);
}

/** The q-quantile of the round trips of the requests with one of `labels`, in ms. */
export function requestPercentile(command: string, labels: readonly string[], q: number, label: string): Measure {
  return {
    command,
    label,
    value: (r) => {
      const ns = requestNs(r, labels);
      return ns.length > 0 ? percentile(ns, q) / 1e6 : undefined;
    },
    format: fmtMs,
  };
}

/** The mean round trip of the requests with one of `labels`, in ms. */
export function requestMean(command: string, labels: readonly string[], label: string): Measure {
  return {
    command,
    label,
    value: (r) => {
      const ns = requestNs(r, labels);
      return ns.length > 0 ? mean(ns) / 1e6 : undefined;
    },
    format: fmtMs,
  };
}

/** The measure's value in each round, skipping rounds where it has none. */
function perRound(m: Measure, result: BenchResult): (number | undefined)[] {
  return (result.runs.get(m.command) ?? []).map((r) => m.value(r));
}

const EMPTY: Verdict = {
  project: '—',
  denominator: '—',
  ratio: '—',
  denominatorSpread: '—',
  status: 'missed',
  note: '',
};

/** The verdict of a workload that was skipped, failed or went unanswered, whatever the target. */
function unjudged(result: BenchResult): Verdict | undefined {
  if (result.skipped !== undefined) return { ...EMPTY, status: 'skipped', note: result.skipped };
  if (result.failure !== undefined) return { ...EMPTY, note: `failed: ${result.failure.split('\n')[0]}` };
  // A node that dropped the request did not pay for it: its figures say nothing.
  if (result.unanswered !== undefined) return { ...EMPTY, note: 'not answered, so not judged' };
  return undefined;
}

/** num's figure over den's, round by round; met when the median ratio is at most `max` and den was steady. */
export function ratio(
  num: Measure,
  den: Measure,
  max: number,
  opts: { workload?: string; note?: (r: BenchResult) => string } = {},
): Target {
  return {
    workload: opts.workload,
    describe: `≤ ${max}× ${den.label}`,
    judge(result) {
      const early = unjudged(result);
      if (early) return early;
      const a = perRound(num, result);
      const b = perRound(den, result);
      const ratios: number[] = [];
      const dens: number[] = [];
      for (let i = 0; i < Math.min(a.length, b.length); i++) {
        const x = a[i];
        const y = b[i];
        if (x !== undefined && y !== undefined && y > 0) {
          ratios.push(x / y);
          dens.push(y);
        }
      }
      if (ratios.length === 0) return { ...EMPTY, note: 'no rounds with both figures' };
      const nums = a.filter((x) => x !== undefined);
      const r = median(ratios);
      const denSpread = spread(dens);
      const notes = [opts.note?.(result) ?? ''];
      let status: Status;
      if (ratios.length < MIN_ROUNDS) {
        status = 'unsteady';
        notes.push(`${ratios.length} round${ratios.length === 1 ? '' : 's'}: too few to judge the spread`);
      } else if (denSpread >= STEADY_SPREAD) {
        status = 'unsteady';
        notes.push(`${r <= max ? 'under' : 'over'} the target, but ${den.label} spread ${fmtPct(denSpread)}`);
      } else {
        status = r <= max ? 'met' : 'missed';
      }
      return {
        project: num.format(median(nums)),
        denominator: `${den.format(median(dens))} (${den.label})`,
        ratio: `${fmtRatio(r)} (${fmtRatio(Math.min(...ratios))}–${fmtRatio(Math.max(...ratios))})`,
        denominatorSpread: dens.length > 1 ? fmtPct(denSpread) : '—',
        status,
        note: notes.filter((n) => n !== '').join('; '),
      };
    },
  };
}

/** The highest peak RSS of `command` over the rounds is at most `maxBytes`. */
export function peakRss(command: string, maxBytes: number, opts: { workload?: string } = {}): Target {
  return {
    workload: opts.workload,
    describe: `peak RSS ≤ ${fmtMiB(maxBytes)}`,
    judge(result) {
      const early = unjudged(result);
      if (early) return early;
      const rss = (result.runs.get(command) ?? []).flatMap((r) => (r.rssKiB === undefined ? [] : [r.rssKiB * 1024]));
      if (rss.length === 0) return { ...EMPTY, status: 'skipped', note: 'no peak RSS: /usr/bin/time is missing' };
      const peak = Math.max(...rss);
      return {
        ...EMPTY,
        project: `${fmtMiB(peak)} peak RSS`,
        status: peak <= maxBytes ? 'met' : 'missed',
        note: rss.length === 1 ? 'one round' : `max over ${rss.length} rounds`,
      };
    },
  };
}

/** The heap `command` uses at exit, after a full collection, is at most `maxBytes`. */
export function heapAtExit(
  command: string,
  maxBytes: number,
  opts: { note?: (r: BenchResult) => string } = {},
): Target {
  return {
    describe: `heap after the run ≤ ${fmtMiB(maxBytes)}`,
    judge(result) {
      const early = unjudged(result);
      if (early) return early;
      const heap = result.heapBytes.get(command);
      if (heap === undefined) return { ...EMPTY, note: `no heap figure for ${command}` };
      return {
        ...EMPTY,
        project: `${fmtMiB(heap)} heap`,
        status: heap <= maxBytes ? 'met' : 'missed',
        note: opts.note?.(result) ?? '',
      };
    },
  };
}

/** `command`'s heap at exit exceeds `baseline`'s by at most `maxBytes`; `count(scale)` things make the difference. */
export function heapAbove(
  command: string,
  baseline: string,
  maxBytes: number,
  count: (scale: number) => number,
  per: string,
): Target {
  return {
    describe: `heap ≤ ${baseline} + ${fmtMiB(maxBytes)}`,
    judge(result) {
      const early = unjudged(result);
      if (early) return early;
      const a = result.heapBytes.get(command);
      const b = result.heapBytes.get(baseline);
      if (a === undefined || b === undefined) return { ...EMPTY, note: 'no heap figures' };
      const diff = a - b;
      return {
        ...EMPTY,
        project: `${fmtMiB(a)} heap`,
        denominator: `${fmtMiB(b)} heap (${baseline})`,
        ratio: `${diff < 0 ? '−' : '+'}${fmtMiB(Math.abs(diff))}`,
        status: diff <= maxBytes ? 'met' : 'missed',
        note: `${(diff / count(result.scale)).toFixed(1)} bytes per ${per}`,
      };
    },
  };
}

/** The command exited 0 with the replies the workload's check expects. */
export function answered(command: string): Target {
  return {
    describe: 'answered (exit 0, right replies)',
    judge(result) {
      const runs = result.runs.get(command) ?? [];
      const time = runs.length > 0 ? fmtMs(median(runs.map((r) => r.ms))) : '—';
      if (result.unanswered !== undefined)
        return { ...EMPTY, project: `not answered (${time})`, note: result.unanswered.split('\n')[0]! };
      const early = unjudged(result);
      if (early) return early;
      return { ...EMPTY, project: `answered in ${time}`, status: 'met' };
    },
  };
}
