import { mayHoldLongMemberName } from '../json/long-names.js';
import { parseJson, parseJsonWatched } from '../json/parse.js';
import { LARGE_LINE } from './limits.js';

/** Thrown to stop the parse of a large text that memory has no more room for. */
export const NO_ROOM = Symbol('no room');

/** A watch for a text that memory has room for whatever it holds. */
const UNWATCHED = (): void => {};

/**
 * What a large text becomes depends on its shape as much as its length, so one of
 * LARGE_LINE characters or more is parsed watching memory: once `canParse(0)` says
 * memory has no more room, the parse stops with NO_ROOM. A text that may hold a member
 * name too long to hash is parsed watched too, which stops at such a name with
 * LongMemberName before it is made a key. Other texts are parsed as parseJson parses them.
 */
export function parseWithinMemory(
  text: string,
  canParse: ((size: number) => boolean) | undefined,
  inexact?: boolean,
): unknown {
  if (text.length >= LARGE_LINE && canParse) {
    return parseJsonWatched(text, () => {
      if (!canParse(0)) throw NO_ROOM;
    });
  }
  return mayHoldLongMemberName(text) ? parseJsonWatched(text, UNWATCHED) : parseJson(text, inexact);
}
