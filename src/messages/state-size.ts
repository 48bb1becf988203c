import { stringifyJson } from '../json/stringify.js';
import { ErrorCode, RpcError } from '../maelstrom/errors.js';

/**
 * The longest JSON a state may have, in characters: every reply that carries the
 * state must stay well under V8's longest string (about 2^29 characters).
 */
export const MAX_STATE_JSON = 256 * 1024 * 1024;

/**
 * What a value's JSON can be at most, from the request line it came in: a number
 * grows most when written back (`1e20`, 4 characters, is 100000000000000000000).
 */
const GROWTH = 6;

/** The JSON length of a new projection's state, []. */
export const EMPTY_ARRAY_LENGTH = 2;

/** Error 12 for a write that would make a state's JSON longer than MAX_STATE_JSON. */
export function stateTooLarge(type: string): RpcError {
  return new RpcError(
    ErrorCode.malformedRequest,
    `${type}: the state's JSON would be longer than ${MAX_STATE_JSON} characters, the most a reply can carry`,
  );
}

/**
 * Throws stateTooLarge if `value`, added to a state whose JSON is `base` long, could
 * make the state's JSON pass the limit. `requestSize` (characters of input the value
 * came from) bounds the value's JSON, so only a large request measures it.
 */
export function checkStateRoom(type: string, base: number, value: unknown, requestSize: number): void {
  if (base + GROWTH * requestSize + 1 <= MAX_STATE_JSON) return;
  let length: number;
  try {
    length = stringifyJson(value).length;
  } catch {
    // Longer than any string V8 can make.
    throw stateTooLarge(type);
  }
  if (base + length + 1 > MAX_STATE_JSON) throw stateTooLarge(type);
}
