import type { ReplyBody } from './envelope.js';
import { PREVIEW_LENGTH } from './limits.js';

/** Maelstrom's error codes (doc/protocol.md), the ones this node answers with. */
export const ErrorCode = {
  /** Indefinite: the operation may or may not have happened. */
  timeout: 0,
  notSupported: 10,
  temporarilyUnavailable: 11,
  malformedRequest: 12,
  crash: 13,
  keyDoesNotExist: 20,
  keyAlreadyExists: 21,
  preconditionFailed: 22,
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Thrown by a handler to answer with a Maelstrom error body. */
export class RpcError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

export function errorBody(code: ErrorCode, text: string): ReplyBody {
  return { type: 'error', code, text };
}

/** The longest type an error text repeats whole: the node's own types, and names, are shorter. */
const MAX_TYPE_SHOWN = 1024;

/**
 * A request's type as an error text repeats it: whole, or its start and its length when it
 * is longer than MAX_TYPE_SHOWN, so that no error text is larger than a few lines.
 */
export function shownType(type: string): string {
  return type.length <= MAX_TYPE_SHOWN ? type : `${startOf(type, PREVIEW_LENGTH)}… (${type.length} characters)`;
}

/** The first `length` UTF-16 units of `text`, one fewer where the cut would split a surrogate pair. */
export function startOf(text: string, length: number): string {
  const code = text.charCodeAt(length - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? length - 1 : length);
}
