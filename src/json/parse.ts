import { ExactNumber } from './exact-number.js';
import { MAX_MEMBER_NAME_LENGTH, MAX_MEMBERS, setOwn } from './value.js';

/**
 * Cheap test for "some number here may not survive a double". It is
 * conservative: a decimal with at most 15 significant digits comes back
 * unchanged through a double (DBL_DIG = 15) as long as its exponent keeps it in
 * the normal range. Losing a value therefore needs 16+ significant digits
 * (a run of 16+ digits/dots) or overflow, underflow or a subnormal, which need
 * a 3-digit exponent (without one, at most 15 mantissa digits and |exp| <= 99
 * stay within about 1e±115). False alarms (digits in strings, "1.0000000000000000")
 * only cost speed.
 */
// Both alternatives start at a digit (an exponent always follows one), which the regex engine checks first.
const MAY_BE_INEXACT = /\d(?:[\d.]{15}|[eE][+-]?\d{3})/;

/**
 * Where MAY_BE_INEXACT can match: 16 significant digits with at most one dot hold a
 * run of 8 digits, and an exponent of 3 digits follows a digit. Spelled out, not \d{7}:
 * the regex engine then skips ahead on fixed classes, several times faster than
 * MAY_BE_INEXACT's ~3 ns a character.
 */
const CANDIDATE = /\d(?:\d\d\d\d\d\d\d|[eE][+-]?\d\d\d)/g;

/** Whether a character may be part of a number's text: `0-9 . e E + -`. */
function isNumberCharacter(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) || code === 0x2e || code === 0x65 || code === 0x45 || code === 0x2b || code === 0x2d
  );
}

/**
 * Whether some number in `text` may not survive a double, so that it needs parseJsonExact.
 * A number is always a whole run of number characters, so only the runs around a
 * candidate are tested: a text whose one long number fits a double (a timestamp, say)
 * is not scanned again from there to its end.
 */
export function mayBeInexact(text: string): boolean {
  CANDIDATE.lastIndex = 0;
  for (let found = CANDIDATE.exec(text); found !== null; found = CANDIDATE.exec(text)) {
    let start = found.index;
    while (start > 0 && isNumberCharacter(text.charCodeAt(start - 1))) start--;
    let end = CANDIDATE.lastIndex;
    while (end < text.length && isNumberCharacter(text.charCodeAt(end))) end++;
    if (MAY_BE_INEXACT.test(text.slice(start, end))) return true;
    CANDIDATE.lastIndex = end;
  }
  return false;
}

/** A string body that cannot be returned as it stands: it has escapes or (invalid) raw control characters. */
const NEEDS_DECODING = /[\\\u0000-\u001f]/;

const HEX4 = /^[0-9a-fA-F]{4}$/;

/** V8 makes a slice this long or longer a view into the string it was cut from. */
const SLICE_MIN_LENGTH = 13;

const INTEGER_LEXEME = /^-?\d+$/;

/**
 * Parses one JSON text. Numbers a double cannot hold become ExactNumber;
 * everything else is exactly what JSON.parse returns. Throws SyntaxError
 * (message names what and where) on invalid JSON. A caller that has run
 * mayBeInexact on a text holding this one passes its answer as `inexact`.
 */
export function parseJson(text: string, inexact = mayBeInexact(text)): unknown {
  return inexact ? parseJsonExact(text) : JSON.parse(text);
}

/** The exact parser itself (exported for tests). */
export function parseJsonExact(text: string): unknown {
  return new ExactParser(text).parse();
}

/** How many values (containers included) a watched parse starts between two calls of its `watch`. */
export const WATCH_INTERVAL = 1 << 16;

/** Thrown by a watched parse for an object written with more than MAX_MEMBERS members. */
export class TooManyMembers extends Error {
  constructor() {
    super(`an object has more than ${MAX_MEMBERS} members`);
    this.name = 'TooManyMembers';
  }
}

/** Thrown by a watched parse for a member name longer than MAX_MEMBER_NAME_LENGTH. */
export class LongMemberName extends Error {
  constructor() {
    super(`a member name is longer than ${MAX_MEMBER_NAME_LENGTH} characters`);
    this.name = 'LongMemberName';
  }
}

/**
 * Parses as parseJson does, calling `watch` each time WATCH_INTERVAL more values have been
 * made: `watch` may throw to stop the parse, as what the text becomes outgrows memory (in
 * V8, a value of text made of tiny containers takes 20 bytes or more per character).
 * Throws TooManyMembers at an object's member past MAX_MEMBERS (repeated names count), and
 * LongMemberName at a member name longer than MAX_MEMBER_NAME_LENGTH.
 */
export function parseJsonWatched(text: string, watch: () => void): unknown {
  return new ExactParser(text, watch).parse();
}

/**
 * The double for a number lexeme if it holds exactly the written value, else an
 * ExactNumber. An integer also keeps its digits: 1000000000000000000000 is a
 * double, but one that would come back as 1e+21.
 */
function numberValue(lexeme: string): number | ExactNumber {
  const n = Number(lexeme);
  // The gate's argument holds for a single lexeme too: if it does not match, the double is exact.
  if (!MAY_BE_INEXACT.test(lexeme)) return n;
  if (INTEGER_LEXEME.test(lexeme)) return String(n) === lexeme ? n : new ExactNumber(lexeme);
  const exact = new ExactNumber(lexeme);
  return exact.asDouble() ?? exact;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** An open array or object; `key` is the member name awaiting its value (objects only). */
interface Frame {
  readonly container: unknown[] | Record<string, unknown>;
  key: string;
  /** Member names read so far (objects only). */
  members: number;
}

/** Iterative parser (explicit stack, no recursion) for the exact grammar JSON.parse accepts. */
class ExactParser {
  private pos = 0;
  /** Values made since `watch` was last called. */
  private made = 0;

  constructor(
    private readonly text: string,
    private readonly watch?: () => void,
  ) {}

  parse(): unknown {
    const stack: Frame[] = [];
    let value: unknown;
    for (;;) {
      if (++this.made === WATCH_INTERVAL) {
        this.made = 0;
        this.watch?.();
      }
      // Read one value; an opened container pushes a frame and loops back for its first member.
      const c = this.skipWhitespace();
      switch (c) {
        case 0x7b: // {
          this.pos++;
          if (this.skipWhitespace() === 0x7d) {
            this.pos++;
            value = {};
            break;
          }
          stack.push({ container: {}, key: this.readKey(), members: 1 });
          continue;
        case 0x5b: // [
          this.pos++;
          if (this.skipWhitespace() === 0x5d) {
            this.pos++;
            value = [];
            break;
          }
          stack.push({ container: [], key: '', members: 0 });
          continue;
        case 0x22:
          value = this.readString();
          break;
        case 0x74:
          value = this.readLiteral('true', true);
          break;
        case 0x66:
          value = this.readLiteral('false', false);
          break;
        case 0x6e:
          value = this.readLiteral('null', null);
          break;
        default:
          if (c !== 0x2d && !isDigit(c)) throw this.unexpected(this.pos);
          value = this.readNumber();
      }
      // Store the value in its container; every container that closes here becomes the next value to store.
      for (;;) {
        const frame = stack[stack.length - 1];
        const next = this.skipWhitespace();
        if (frame === undefined) {
          if (next !== -1) throw this.unexpected(this.pos);
          return value;
        }
        const { container } = frame;
        if (Array.isArray(container)) {
          container.push(value);
          if (next === 0x2c) {
            this.pos++;
            break;
          }
          if (next !== 0x5d) throw this.unexpected(this.pos);
        } else {
          // As JSON.parse does: a repeated key keeps its first position and takes the last value.
          setOwn(container, frame.key, value);
          if (next === 0x2c) {
            this.pos++;
            // Input is parsed watched: only it must be kept from objects V8 cannot grow.
            if (++frame.members > MAX_MEMBERS && this.watch) throw new TooManyMembers();
            frame.key = this.readKey();
            break;
          }
          if (next !== 0x7d) throw this.unexpected(this.pos);
        }
        this.pos++;
        stack.pop();
        value = container;
      }
    }
  }

  /** Skips JSON whitespace; returns the code of the next character, or -1 at the end. */
  private skipWhitespace(): number {
    const text = this.text;
    let i = this.pos;
    let c = text.charCodeAt(i);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++i);
    this.pos = i;
    return i < text.length ? c : -1;
  }

  /** Reads `"name" :` and returns the name. */
  private readKey(): string {
    if (this.skipWhitespace() !== 0x22) throw this.unexpected(this.pos);
    const key = this.readString();
    if (key.length > MAX_MEMBER_NAME_LENGTH && this.watch) throw new LongMemberName();
    if (this.skipWhitespace() !== 0x3a) throw this.unexpected(this.pos);
    this.pos++;
    return key;
  }

  /**
   * Reads a string starting at the opening quote. The string is a copy: a slice of 13
   * characters or more would be a view that keeps the whole text alive, a large line too.
   */
  private readString(): string {
    const text = this.text;
    const start = this.pos + 1;
    const end = text.indexOf('"', start);
    if (end !== -1) {
      const body = text.slice(start, end);
      if (!NEEDS_DECODING.test(body)) {
        this.pos = end + 1;
        return body.length < SLICE_MIN_LENGTH ? body : (JSON.parse(text.slice(start - 1, end + 1)) as string);
      }
    }
    return this.decodeString(start);
  }

  /**
   * Slow path of readString: checks escapes and rejects raw control characters, then has
   * JSON.parse decode the string into one flat copy. Decoded pieces joined here would be a
   * tree of them, about 32 bytes of heap per escape.
   */
  private decodeString(start: number): string {
    const text = this.text;
    let i = start;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        this.pos = i + 1;
        return JSON.parse(text.slice(start - 1, i + 1)) as string;
      }
      if (c !== 0x5c) {
        // Past the end c is NaN and unexpected() reports the end of input.
        if (!(c >= 0x20)) throw this.unexpected(i, 'Bad control character in string literal');
        i++;
        continue;
      }
      switch (text.charCodeAt(i + 1)) {
        case 0x22:
        case 0x5c:
        case 0x2f:
        case 0x62:
        case 0x66:
        case 0x6e:
        case 0x72:
        case 0x74:
          i += 2;
          continue;
        case 0x75:
          // Lone surrogates are kept, as JSON.parse does.
          if (!HEX4.test(text.slice(i + 2, i + 6))) throw this.unexpected(i, 'Bad Unicode escape');
          i += 6;
          continue;
        default:
          throw this.unexpected(i + 1, 'Bad escaped character');
      }
    }
  }

  /** Reads a number lexeme (RFC 8259: no leading zeros, no "+", digits on both sides of "."). */
  private readNumber(): number | ExactNumber {
    const text = this.text;
    const start = this.pos;
    let i = start;
    if (text.charCodeAt(i) === 0x2d) i++;
    const first = text.charCodeAt(i);
    if (first === 0x30) i++;
    else if (isDigit(first)) i = this.skipDigits(i + 1);
    else throw this.unexpected(i);
    if (text.charCodeAt(i) === 0x2e) i = this.readDigits(i + 1);
    const e = text.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      i++;
      const sign = text.charCodeAt(i);
      if (sign === 0x2b || sign === 0x2d) i++;
      i = this.readDigits(i);
    }
    this.pos = i;
    return numberValue(text.slice(start, i));
  }

  /** Position after at least one digit starting at `i`. */
  private readDigits(i: number): number {
    const end = this.skipDigits(i);
    if (end === i) throw this.unexpected(i);
    return end;
  }

  private skipDigits(i: number): number {
    while (isDigit(this.text.charCodeAt(i))) i++;
    return i;
  }

  private readLiteral(word: string, value: boolean | null): boolean | null {
    const text = this.text;
    const start = this.pos;
    let k = 0;
    while (k < word.length && text.charCodeAt(start + k) === word.charCodeAt(k)) k++;
    if (k < word.length) throw this.unexpected(start + k);
    this.pos = start + k;
    return value;
  }

  /** The error for position `at`: `problem` if given, else the character found there. */
  private unexpected(at: number, problem?: string): SyntaxError {
    if (at >= this.text.length) return new SyntaxError('Unexpected end of JSON input');
    if (problem !== undefined) return new SyntaxError(`${problem} in JSON at position ${at}`);
    const c = this.text.charCodeAt(at);
    const shown = c < 0x20 ? `U+${c.toString(16).toUpperCase().padStart(4, '0')}` : this.text.charAt(at);
    return new SyntaxError(`Unexpected token ${shown} in JSON at position ${at}`);
  }
}
