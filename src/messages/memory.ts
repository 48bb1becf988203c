import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { nodeVm } from '../builtins.js';
import { heapCost } from '../json/heap-cost.js';
import { ErrorCode, RpcError } from '../maelstrom/errors.js';

/** What V8's heap limit holds besides the old space: the young generation, three 16 MiB semi-spaces by default. */
const YOUNG_GENERATION_BYTES = 48 * 1024 * 1024;

/**
 * The default --max-memory-mb: three quarters of V8's old space (its heap limit less the
 * young generation), leaving the rest for reads and for parsing requests.
 */
export function defaultMaxMemoryMb(): number {
  return Math.max(1, Math.floor((oldSpace() * 0.75) / (1024 * 1024)));
}

/** The largest --max-memory-mb that still leaves a tenth of the old space for reads and parsing. */
export function largestMaxMemoryMb(): number {
  return Math.max(1, Math.floor((oldSpace() * 0.9) / (1024 * 1024)));
}

/** V8's old space: its heap limit less the young generation. */
function oldSpace(): number {
  return Math.max(getHeapStatistics().heap_size_limit - YOUNG_GENERATION_BYTES, 0);
}

/** Memory in use for data: V8's heap and the buffers outside it (cached state JSON). */
function memoryInUse(): number {
  const { used_heap_size: heap, external_memory: external } = getHeapStatistics();
  return heap + external;
}

/** A write costs about this much memory besides its values: a new projection about 300 bytes. */
const WRITE_OVERHEAD_BYTES = 1024;
/** Bytes of memory a write may make per character of its request: its values, copied for the state and its start. */
const WRITE_GROWTH = 8;
/** Bytes of memory parsing a line may take per character: the text and the values it becomes. */
const PARSE_GROWTH = 6;
/** Memory is measured again once writes are estimated to have taken this share of the room left, or MIN_BUDGET_BYTES. */
const BUDGET_SHARE = 64;
/** Memory is measured again at least this often, in bytes of estimated growth. */
const MIN_BUDGET_BYTES = 64 * 1024;
/** A full collection is forced at most this often while memory is over the limit. */
const GC_INTERVAL_MS = 1000;

let forcedGc: (() => void) | undefined;
/** V8's collector, exposed once it is first needed: only a node at its limit pays for it. */
function collectGarbage(): void {
  if (!forcedGc) {
    setFlagsFromString('--expose-gc');
    forcedGc = nodeVm().runInNewContext('gc') as () => void;
  }
  forcedGc();
}

/**
 * Admission for writes that may grow memory: once the data in memory passes
 * `maxBytes`, they get error 11 (temporarily unavailable: nothing was done) until
 * deletes or rebuilds free enough; one that alone would pass it gets error 12. Reads
 * are never refused. Memory is measured only after an estimated growth, larger the
 * further the limit is, so the check costs nothing per request.
 */
export class MemoryGuard {
  private budget = 0;
  private full = false;
  private lastGc = 0;
  /** Memory in use right after the last forced collection. */
  private usedAfterGc = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly measure: () => number = memoryInUse,
    private readonly gc: () => void = collectGarbage,
    private readonly oldSpaceBytes: number = oldSpace(),
  ) {}

  /**
   * Throws error 11 if a `type` write of a request of `size` characters must wait, 12 if it
   * could never be taken. A large one is weighed by what `copies` copies of its `values`
   * take, if that is more: text of tiny objects becomes far more than WRITE_GROWTH bytes a
   * character.
   */
  admit(type: string, size: number, copies = 1, values?: unknown): void {
    let growth = size * WRITE_GROWTH + WRITE_OVERHEAD_BYTES;
    if (growth > MIN_BUDGET_BYTES && values !== undefined) {
      growth = Math.max(growth, copies * heapCost(values) + WRITE_OVERHEAD_BYTES);
    }
    if (growth > this.maxBytes) {
      throw new RpcError(
        ErrorCode.malformedRequest,
        `${type}: this write would take about ${Math.ceil(growth / 2 ** 20)} MiB, more than --max-memory-mb (${Math.round(this.maxBytes / 2 ** 20)} MiB) can ever hold`,
      );
    }
    this.budget -= growth;
    // A large write is measured against the limit by itself: one request may grow memory at once.
    if (this.budget <= 0 || this.full || growth > MIN_BUDGET_BYTES) this.check(growth);
    if (this.full) {
      throw new RpcError(
        ErrorCode.temporarilyUnavailable,
        `${type}: no room under --max-memory-mb (${Math.round(this.maxBytes / 2 ** 20)} MiB) for this write; delete projections or try again later`,
      );
    }
  }

  /**
   * Whether a line of `size` characters may be parsed now: its values must fit in the
   * old space with what is there. Only a large line is asked about.
   */
  canParse(size: number): boolean {
    return this.measured(size * PARSE_GROWTH) + size * PARSE_GROWTH <= this.oldSpaceBytes * 0.9;
  }

  /** Whether a line of `size` characters could be parsed at all, were nothing else in memory. */
  couldParse(size: number): boolean {
    return size * PARSE_GROWTH <= this.oldSpaceBytes * 0.9;
  }

  private check(growth: number): void {
    const used = this.measured(growth);
    this.full = used + growth > this.maxBytes;
    // Small writes are estimated, not weighed, and their values may take ten times the estimate
    // (deeply nested arrays, in a create's two copies): a small share of the room left keeps what
    // passes unmeasured under the heap's limit. Measuring costs about a microsecond.
    this.budget = Math.max(MIN_BUDGET_BYTES, (this.maxBytes - used) / BUDGET_SHARE);
  }

  /** Memory in use, collected first if `growth` more would pass the limit: what is there may be garbage. */
  private measured(growth: number): number {
    let used = this.measure();
    // Collected at most once a second, unless memory has grown by an eighth of the limit since:
    // the garbage of a large request refused a moment ago must not refuse the next ones.
    const due = Date.now() - this.lastGc >= GC_INTERVAL_MS || used - this.usedAfterGc >= this.maxBytes / 8;
    if (used + growth > this.maxBytes && due) {
      this.gc();
      this.lastGc = Date.now();
      used = this.measure();
      this.usedAfterGc = used;
    }
    return used;
  }
}
