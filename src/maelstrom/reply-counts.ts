import type { ReplyBody } from './envelope.js';
import { ErrorCode } from './errors.js';

/** Where requests of a type the node does not serve are counted, and errors of a code it never sends. */
const OTHER = 'other';

const CODES: ReadonlySet<unknown> = new Set(Object.values(ErrorCode));

/**
 * The replies a node has sent: by the type of the request each answers, and the errors
 * among them by code. Clients choose types, so only the types the node serves get a
 * count of their own, and the tables stay as small as the node's list of types.
 */
export class ReplyCounts {
  private readonly requests = new Map<string, number>();
  private readonly errors = new Map<string, number>();

  constructor(private readonly isServed: (type: string) => boolean) {}

  /** A reply to a request of `type` (undefined when the request was refused before its type was read). */
  sent(type: string | undefined, body: ReplyBody): void {
    const bucket = type !== undefined && this.isServed(type) ? type : OTHER;
    this.requests.set(bucket, (this.requests.get(bucket) ?? 0) + 1);
    if (body.type === 'error') this.countError(body.code);
  }

  /**
   * A reply that left as this error instead (its request was counted when it was sent), in
   * place of an error with code `from`, if it was one.
   */
  turnedInto(code: ErrorCode, from?: number): void {
    if (from !== undefined) this.uncountError(from);
    this.countError(code);
  }

  /** Replies by request type, types in alphabetical order. */
  byType(): Record<string, number> {
    return table(this.requests);
  }

  /** Error replies by code, in ascending order. */
  byCode(): Record<string, number> {
    return table(this.errors);
  }

  private countError(code: unknown, by = 1): void {
    const bucket = CODES.has(code) ? String(code) : OTHER;
    const count = (this.errors.get(bucket) ?? 0) + by;
    if (count === 0) this.errors.delete(bucket);
    else this.errors.set(bucket, count);
  }

  private uncountError(code: unknown): void {
    this.countError(code, -1);
  }
}

function table(counts: ReadonlyMap<string, number>): Record<string, number> {
  const sorted = [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  // No key here is "__proto__": types are the node's own, codes are digits.
  return Object.fromEntries(sorted);
}
