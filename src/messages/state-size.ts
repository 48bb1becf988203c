import { stringifyJson } from '../json/stringify.js';
import { ErrorCode, RpcError } from '../maelstrom/errors.js';

/**
 * The longest JSON a state may have, in characters: every reply that carries the
 * state must stay well under V8's longest string (about 2^29 characters).
 */
export const MAX_STATE_JSON = 256 * 1024 * 1024;

/** The JSON length of a new projection's state, []. */
export const EMPTY_ARRAY_LENGTH = 2;

/**
 * What a value's JSON can be at most, per character of the request line it came in:
 * a number grows most when written back (`1e20`, 4 characters, is 100000000000000000000).
 */
const GROWTH = 6;

/** Keeps every state's JSON within a limit, checked before a write changes anything. */
export class StateRoom {
  constructor(readonly maxJson = MAX_STATE_JSON) {}

  /**
   * Throws error 12 if `value`, added to a state whose JSON is `base` long, could make
   * the state's JSON pass the limit. `requestSize` (characters of input the value came
   * from) bounds the value's JSON, so only a large request or state measures it.
   */
  check(type: string, base: number, value: unknown, requestSize: number): void {
    if (base + GROWTH * requestSize + 1 <= this.maxJson) return;
    let length: number;
    try {
      length = stringifyJson(value).length;
    } catch {
      // Longer than any string V8 can make.
      throw this.tooLarge(type);
    }
    if (base + length + 1 > this.maxJson) throw this.tooLarge(type);
  }

  private tooLarge(type: string): RpcError {
    return new RpcError(
      ErrorCode.malformedRequest,
      `${type}: the state's JSON would be longer than ${this.maxJson} characters, the most a reply can carry`,
    );
  }
}
