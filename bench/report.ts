// The report: the machine, each command's runs, and the targets table that the
// README shows (`--out FILE` writes it as Markdown).
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import type { Bench } from './harness.js';
import { type BenchResult, fmtMiB, fmtMs, fmtPct, median, spread } from './targets.js';
import type { WorkloadFile } from './workloads.js';

export interface Done {
  bench: Bench;
  file?: WorkloadFile;
  result: BenchResult;
}

function osName(): string {
  const release = '/etc/os-release';
  const pretty = existsSync(release)
    ? /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync(release, 'utf8'))?.[1]
    : undefined;
  return `${pretty ?? os.type()} (${os.type()} ${os.release()}, ${os.arch()})`;
}

export function machine(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? 'unknown CPU';
  return `${model}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${osName()}`;
}

export function load(): string {
  return os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' / ');
}

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** One row per target: the table the README shows. */
export function targetsTable(done: readonly Done[]): string {
  const rows = done.flatMap(({ bench, result }) =>
    bench.targets.map((t) => {
      const v = t.judge(result);
      const status = v.status === 'skipped' && v.note !== '' ? `skipped: ${v.note}` : v.status;
      const note = v.status === 'skipped' ? '' : v.note;
      return [
        t.workload ?? bench.name,
        t.describe,
        v.project,
        v.denominator,
        v.ratio,
        v.denominatorSpread,
        status,
        note,
      ];
    }),
  );
  return table(
    [
      'workload',
      'target',
      'project',
      'denominator',
      'ratio (range over rounds)',
      'denominator spread',
      'status',
      'note',
    ],
    rows,
  );
}

/** One row per command: its rounds' wall times and spread, CPU time and memory. */
export function runsTable(done: readonly Done[]): string {
  const rows = done.flatMap(({ bench, file, result }) =>
    [...result.runs].flatMap(([name, runs]) => {
      if (runs.length === 0) return [];
      const ms = runs.map((r) => r.ms);
      const rss = runs.flatMap((r) => (r.rssKiB === undefined ? [] : [r.rssKiB * 1024]));
      const cpu = runs.flatMap((r) => (r.cpuMs === undefined ? [] : [r.cpuMs]));
      const heap = result.heapBytes.get(name);
      const driven = runs.some((r) => r.requests !== undefined);
      return [
        [
          bench.name,
          file === undefined ? '—' : `${(file.bytes / 1e6).toFixed(1)} MB`,
          driven ? `${name} (one at a time)` : name,
          String(runs.length),
          fmtMs(median(ms)),
          `${fmtMs(Math.min(...ms))}–${fmtMs(Math.max(...ms))}`,
          fmtPct(spread(ms)),
          cpu.length > 0 ? `${fmtMs(median(cpu))} (${fmtPct(spread(cpu))})` : '—',
          rss.length > 0 ? fmtMiB(Math.max(...rss)) : '—',
          heap === undefined ? '—' : fmtMiB(heap),
        ],
      ];
    }),
  );
  return table(
    ['workload', 'input', 'command', 'rounds', 'median', 'range', 'spread', 'CPU (spread)', 'peak RSS', 'heap after'],
    rows,
  );
}
