import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ErrorCode, RpcError } from '../maelstrom/errors.js';

/** What V8's heap limit holds besides the old space: the young generation, three 16 MiB semi-spaces by default. */
const YOUNG_GENERATION_BYTES = 48 * 1024 * 1024;

/**
 * The default --max-memory-mb: three quarters of V8's old space (its heap limit less the
 * young generation), leaving the rest for reads and for parsing requests.
 */
export function defaultMaxMemoryMb(): number {
  const oldSpace = Math.max(getHeapStatistics().heap_size_limit - YOUNG_GENERATION_BYTES, 0);
  return Math.max(1, Math.floor((oldSpace * 0.75) / (1024 * 1024)));
}

/** Memory in use for data: V8's heap and the buffers outside it (cached state JSON). */
function memoryInUse(): number {
  const { used_heap_size: heap, external_memory: external } = getHeapStatistics();
  return heap + external;
}

/** A write costs at most about this much memory beyond a few times its size; a new projection ~2 KiB. */
const WRITE_OVERHEAD_BYTES = 4096;
/** Memory is measured again at least this often, in bytes of estimated growth. */
const MIN_BUDGET_BYTES = 64 * 1024;
/** A full collection is forced at most this often while memory is over the limit. */
const GC_INTERVAL_MS = 1000;

let forcedGc: (() => void) | undefined;
/** V8's collector, exposed once it is first needed: only a node at its limit pays for it. */
function collectGarbage(): void {
  if (!forcedGc) {
    setFlagsFromString('--expose-gc');
    forcedGc = runInNewContext('gc') as () => void;
  }
  forcedGc();
}

/**
 * Admission for writes that may grow memory: once the data in memory passes
 * `maxBytes`, they get error 11 (temporarily unavailable: nothing was done) until
 * deletes or rebuilds free enough. Reads are never refused. Memory is measured only
 * after an estimated growth, larger the further the limit is, so the check costs
 * nothing per request.
 */
export class MemoryGuard {
  private budget = 0;
  private full = false;
  private lastGc = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly measure: () => number = memoryInUse,
    private readonly gc: () => void = collectGarbage,
  ) {}

  /** Throws error 11 if a `type` write of a request of `size` characters must wait. */
  admit(type: string, size: number): void {
    this.budget -= size * 4 + WRITE_OVERHEAD_BYTES;
    if (this.budget <= 0 || this.full) this.check();
    if (this.full) {
      throw new RpcError(
        ErrorCode.temporarilyUnavailable,
        `${type}: the node holds as much data as --max-memory-mb allows (${Math.round(this.maxBytes / 2 ** 20)} MiB); delete projections or try again later`,
      );
    }
  }

  private check(): void {
    let used = this.measure();
    if (used > this.maxBytes && Date.now() - this.lastGc >= GC_INTERVAL_MS) {
      // What is over the limit may be garbage not yet collected.
      this.gc();
      this.lastGc = Date.now();
      used = this.measure();
    }
    this.full = used > this.maxBytes;
    this.budget = Math.max(MIN_BUDGET_BYTES, (this.maxBytes - used) / 4);
  }
}
