// What `npm run bench` measures: each workload's commands and targets.
import { join } from 'node:path';
import { type Bench, type Command, ROOT } from './harness.js';
import { checkQueries, checkRebuildList, checkRestart } from './checks.js';
import {
  answered,
  type BenchResult,
  fmtMiB,
  heapAbove,
  heapAtExit,
  type Measure,
  median,
  peakRss,
  ratio,
  requestMean,
  requestPercentile,
  wallTime,
} from './targets.js';
import { scaled, SIZES } from './workloads.js';

const MiB = 2 ** 20;

const baseline = (name: string, file: string): Command => ({
  name,
  script: join(ROOT, 'bench', 'baselines', file),
  args: [],
  replies: true,
});
const NAIVE = baseline('naive', 'naive.mjs');
const FLOOR = baseline('floor', 'floor.cjs');
const PARSE_ONLY = baseline('parse-only', 'parse-only.cjs');
const BARE = baseline('bare', 'bare.cjs');
const EVENT_LOOP_FLOOR = baseline('event-loop floor', 'event-loop-floor.cjs');
const NODE_E0: Command = { name: 'node -e 0', args: ['-e', '0'], replies: false };

/** The syncs the durable runs reported, for a note. */
function syncsNote(command: string) {
  return (r: BenchResult): string => {
    const syncs = (r.runs.get(command) ?? []).flatMap((run) => (run.syncs === undefined ? [] : [run.syncs]));
    return syncs.length > 0 ? `syncs: ${median(syncs)}` : 'syncs: not reported';
  };
}

/** The median over rounds of `command`'s wall time over `of`'s, for a note. */
function roundRatio(command: string, of: string, r: BenchResult): string {
  const a = r.runs.get(command) ?? [];
  const b = r.runs.get(of) ?? [];
  const ratios = a.flatMap((run, i) => (b[i] === undefined ? [] : [run.ms / b[i].ms]));
  return ratios.length > 0 ? `${median(ratios).toFixed(3)}×` : '—';
}

/** The median over rounds of a measure, formatted. */
function medianFigure(m: Measure, r: BenchResult): string {
  const xs = (r.runs.get(m.command) ?? []).flatMap((run) => m.value(run) ?? []);
  return xs.length > 0 ? m.format(median(xs)) : '—';
}

/** The benches, for the node run as `node <projectScript>`. */
export function benches(projectScript: string): Bench[] {
  const PROJECT: Command = { name: 'project', script: projectScript, args: [], replies: true };
  const DURABLE: Command = { ...PROJECT, name: 'project --data-dir', dataDir: true };
  const RESTART: Command = { ...PROJECT, name: 'restart', dataDir: true, input: 'restart-1m' };

  const latencyNote = (r: BenchResult): string => {
    const p = (command: string, q: number): string => medianFigure(requestPercentile(command, ['update'], q, ''), r);
    return `event-loop floor p50 ${p('event-loop floor', 0.5)}; p99: project ${p('project', 0.99)}, floor ${p('floor', 0.99)}`;
  };
  const queryMeans = (r: BenchResult): string =>
    `mean by key ${medianFigure(requestMean('project', ['query'], ''), r)}, by email ${medianFigure(requestMean('project', ['query where'], ''), r)}`;

  return [
    {
      name: 'small',
      workload: 'small',
      commands: [PROJECT, NAIVE, FLOOR, BARE],
      same: [
        ['naive', 'project'],
        ['project', 'bare'],
      ],
      targets: [
        ratio(wallTime('project'), wallTime('floor'), 1.3, {
          note: (r) => `bare node ${roundRatio('bare', 'floor', r)} the floor`,
        }),
      ],
    },
    {
      name: 'small-durable',
      workload: 'small',
      needs: 'data-dir',
      commands: [PROJECT, DURABLE],
      same: [['project', 'project --data-dir']],
      targets: [
        ratio(wallTime('project --data-dir'), wallTime('project', 'small in memory'), 1.6, {
          note: syncsNote('project --data-dir'),
        }),
      ],
    },
    {
      name: 'growth',
      workload: 'growth',
      commands: [PROJECT, NAIVE, FLOOR],
      same: [['naive', 'project']],
      targets: [ratio(wallTime('project'), wallTime('naive'), 0.2)],
    },
    {
      name: 'upsert-large',
      workload: 'upsert-large',
      commands: [PROJECT, NAIVE],
      same: [['naive', 'project']],
      targets: [ratio(wallTime('project'), wallTime('naive'), 0.1)],
    },
    {
      name: 'rebuild',
      workload: 'rebuild',
      commands: [PROJECT, NAIVE, FLOOR],
      same: [['naive', 'project']],
      targets: [ratio(wallTime('project'), wallTime('naive'), 0.1)],
    },
    {
      // The naive is quadratic here, so only the project runs, against the cost of parsing the line.
      name: 'rebuild-1m',
      workload: 'rebuild-1m',
      commands: [PROJECT, PARSE_ONLY],
      targets: [ratio(wallTime('project'), wallTime('parse-only'), 1.5), peakRss('project', 250 * MiB)],
    },
    {
      name: 'rebuild-1m-durable',
      workload: 'rebuild-1m',
      needs: 'data-dir',
      commands: [PROJECT, { ...DURABLE, after: RESTART }],
      same: [['project', 'project --data-dir']],
      check: ({ out }) => checkRestart(out('project'), out('restart')),
      targets: [
        ratio(wallTime('project --data-dir'), wallTime('project', 'rebuild-1m in memory'), 1.5, {
          note: syncsNote('project --data-dir'),
        }),
        ratio(wallTime('restart'), wallTime('project', 'rebuild-1m in memory'), 0.3, {
          workload: 'restart-1m',
          note: syncsNote('restart'),
        }),
      ],
    },
    {
      // One run: the figures are memory and whether it is answered at all.
      name: 'rebuild-3m',
      workload: 'rebuild-3m',
      rounds: 1,
      commands: [PROJECT],
      answerIsTarget: true,
      check: ({ out, scale }) => checkRebuildList(out('project'), scaled(SIZES.rebuild3m.events, scale)),
      targets: [answered('project'), peakRss('project', 400 * MiB)],
    },
    {
      name: 'creates-1m',
      workload: 'creates-1m',
      quickScale: 0.002,
      commands: [PROJECT, NAIVE],
      same: [['naive', 'project']],
      heap: ['project', 'naive'],
      targets: [
        ratio(wallTime('project'), wallTime('naive'), 1),
        heapAtExit('project', 500 * MiB, {
          note: (r) => {
            const naive = r.heapBytes.get('naive');
            return naive === undefined ? '' : `naive: ${fmtMiB(naive)}`;
          },
        }),
      ],
    },
    {
      name: 'ids-1m',
      workload: 'ids-1m',
      quickScale: 0.002,
      commands: [PROJECT, { ...PROJECT, name: 'project, no ids', input: 'ids-1m-plain' }],
      same: [['project, no ids', 'project']],
      heap: ['project', 'project, no ids'],
      targets: [heapAbove('project', 'project, no ids', 40 * MiB, (scale) => scaled(SIZES.ids.updates, scale), 'id')],
    },
    {
      name: 'query-1m',
      workload: 'query-1m',
      needs: 'query',
      commands: [{ ...PROJECT, oneAtATime: true }],
      check: ({ out, input }) => checkQueries(input, out('project')),
      targets: [
        ratio(
          requestMean('project', ['query', 'query where'], 'query'),
          requestMean('project', ['read'], 'full read'),
          0.01,
          { note: queryMeans },
        ),
      ],
    },
    {
      name: 'startup',
      workload: 'startup',
      commands: [PROJECT, NAIVE, FLOOR, NODE_E0],
      same: [['naive', 'project']],
      runsPerRound: 10,
      targets: [ratio(wallTime('project'), wallTime('node -e 0'), 1.5)],
    },
    {
      name: 'latency',
      workload: 'latency',
      commands: [
        { ...PROJECT, oneAtATime: true },
        { ...FLOOR, oneAtATime: true },
        { ...EVENT_LOOP_FLOOR, oneAtATime: true },
      ],
      targets: [
        ratio(
          requestPercentile('project', ['update'], 0.5, 'project p50'),
          requestPercentile('floor', ['update'], 0.5, 'floor p50'),
          1.15,
          {
            note: latencyNote,
          },
        ),
      ],
    },
  ];
}
