import { MAX_MEMBER_NAME_LENGTH } from './value.js';

/**
 * How far apart the places are where a text is looked at: a name of more than
 * MAX_MEMBER_NAME_LENGTH characters spans at least two of them.
 */
const STRIDE = (MAX_MEMBER_NAME_LENGTH + 1) / 2;

/**
 * Whether `text` may hold a member name longer than MAX_MEMBER_NAME_LENGTH characters.
 * JSON.parse puts every member name it reads in V8's string table, where all longer
 * names of one length hash alike: parsing many texts that hold them takes time that
 * grows with the square of their number, even once their values are gone. A text that
 * holds one before its first syntax error always gets true; a few that do not get true
 * as well (a run of 16,384 characters without a quote, then a string that starts with
 * ":"), which only costs them a slower parse. The text is looked at every STRIDE
 * characters, so a typical one costs a few hundred nanoseconds per 8 KiB.
 */
export function mayHoldLongMemberName(text: string): boolean {
  // Apart from the look itself, so that this test, all most texts need, is inlined where it is called.
  return text.length > MAX_MEMBER_NAME_LENGTH && lookForLongMemberName(text);
}

function lookForLongMemberName(text: string): boolean {
  // Each look finds the next quote that ends or starts a string: if it ends a name, the name
  // started more than MAX_MEMBER_NAME_LENGTH characters before it, or within them.
  for (let at = 0; at < text.length; ) {
    const quote = nextQuote(text, at);
    if (quote === -1) return false;
    if (isFollowedByColon(text, quote) && noQuoteWithin(text, quote, MAX_MEMBER_NAME_LENGTH + 1)) return true;
    // A name that starts at or after `at` holds the next place looked at, or ends at `quote`.
    at = Math.max(quote + 1, at + STRIDE);
  }
  return false;
}

/** Whether the quote at `at` is escaped: an odd run of backslashes comes before it. */
function isEscaped(text: string, at: number): boolean {
  let i = at - 1;
  while (i >= 0 && text.charCodeAt(i) === 0x5c) i--;
  return (at - 1 - i) % 2 === 1;
}

/** The first quote at or after `from` that is not escaped, or -1. */
function nextQuote(text: string, from: number): number {
  let i = text.indexOf('"', from);
  while (i !== -1 && isEscaped(text, i)) i = text.indexOf('"', i + 1);
  return i;
}

/** Whether JSON whitespace and then a colon follow the character at `at`. */
function isFollowedByColon(text: string, at: number): boolean {
  let i = at + 1;
  let c = text.charCodeAt(i);
  while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++i);
  return c === 0x3a;
}

/** Whether the `length` characters before `at` hold no quote that is not escaped, with room for one before them. */
function noQuoteWithin(text: string, at: number, length: number): boolean {
  const start = at - length;
  if (start < 1) return false;
  let i = text.lastIndexOf('"', at - 1);
  while (i >= start && isEscaped(text, i)) i = text.lastIndexOf('"', i - 1);
  return i < start;
}
