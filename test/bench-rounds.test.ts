import { describe, expect, it } from 'vitest';
import { medianRun } from '../bench/harness.js';

describe('a round of several runs', () => {
  it('counts the run of median wall time, whole, with its own CPU time and memory', () => {
    const runs = [70, 52, 90, 55, 54].map((ms) => ({ ms, cpuMs: ms - 10, rssKiB: ms * 1000 }));
    expect(medianRun(runs)).toEqual({ ms: 55, cpuMs: 45, rssKiB: 55_000 });
  });

  it('takes the lower middle run of an even count, and the one run of one', () => {
    expect(medianRun([{ ms: 4 }, { ms: 1 }, { ms: 3 }, { ms: 2 }])).toEqual({ ms: 2 });
    expect(medianRun([{ ms: 7 }])).toEqual({ ms: 7 });
  });
});
