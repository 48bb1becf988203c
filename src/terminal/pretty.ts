import { StringDecoder } from 'node:string_decoder';
import { Writable } from 'node:stream';
import { ExactNumber } from '../json/exact-number.js';
import { parseJson } from '../json/parse.js';

/** ANSI SGR codes for each kind of token, as jq colors them (keys blue, strings green). */
const STYLES = {
  key: '\u001b[1;34m',
  string: '\u001b[32m',
  number: '\u001b[33m',
  literal: '\u001b[35m',
} as const;
const RESET = '\u001b[0m';
const INDENT = '  ';

type Style = keyof typeof STYLES;

/**
 * Indented text is made only up to this many characters: at every level of nesting, indenting
 * adds two spaces to each line, so a reply of a few megabytes could take gigabytes.
 */
export const MAX_PRETTY_LENGTH = 64 * 1024 * 1024;

/** Thrown inside prettyJson once the text passes its bound. */
const TOO_LONG = Symbol('too long');

/**
 * A JSON value as indented text, two spaces a level, as JSON.stringify(value, null, 2)
 * writes it, ExactNumbers as their text; with `colors`, each token wrapped in its ANSI
 * color. Strings are escaped as in JSON, so no control character reaches a terminal.
 * Undefined if the text would be longer than `maxLength`.
 */
export function prettyJson(value: unknown, colors: boolean, maxLength = MAX_PRETTY_LENGTH): string | undefined {
  const pieces: string[] = [];
  let length = 0;
  const put = (text: string): void => {
    length += text.length;
    if (length > maxLength) throw TOO_LONG;
    pieces.push(text);
  };
  const paint = colors
    ? (style: Style, text: string) => `${STYLES[style]}${text}${RESET}`
    : (_: Style, text: string) => text;
  const scalar = (item: unknown): string => {
    if (typeof item === 'number') return paint('number', Number.isFinite(item) ? String(item) : 'null');
    if (typeof item === 'string') return paint('string', JSON.stringify(item));
    if (item instanceof ExactNumber) return paint('number', item.text);
    return paint('literal', String(item));
  };
  const write = (item: unknown, indent: string): void => {
    if (typeof item !== 'object' || item === null || item instanceof ExactNumber) {
      put(scalar(item));
      return;
    }
    const inner = indent + INDENT;
    const keys = Array.isArray(item) ? undefined : Object.keys(item);
    const count = keys ? keys.length : (item as unknown[]).length;
    if (count === 0) {
      put(keys ? '{}' : '[]');
      return;
    }
    put(keys ? '{\n' : '[\n');
    for (let i = 0; i < count; i++) {
      put(i === 0 ? inner : `,\n${inner}`);
      if (keys) {
        const key = keys[i] as string;
        put(`${paint('key', JSON.stringify(key))}: `);
        write((item as Record<string, unknown>)[key], inner);
      } else {
        write((item as unknown[])[i], inner);
      }
    }
    put(`\n${indent}${keys ? '}' : ']'}`);
  };
  try {
    write(value, '');
  } catch (error) {
    if (error === TOO_LONG) return undefined;
    throw error;
  }
  return pieces.join('');
}

/**
 * The node's output for a person: each line (one envelope) is written to `target` as
 * indented JSON, a block per reply. A line that is not JSON passes unchanged. Each write
 * completes once `target` has taken its text, so the node's backpressure holds, and an
 * empty write completes once everything before it is out.
 */
export class PrettyOutput extends Writable {
  /**
   * The text of the line not yet ended, in the pieces it came in: joined and searched
   * again with each piece, a reply of many pieces would take time that grows with the
   * square of its length.
   */
  private pending: string[] = [];
  private readonly decoder = new StringDecoder('utf8');

  constructor(
    private readonly target: Writable,
    private readonly colors: boolean,
  ) {
    super({ decodeStrings: false });
  }

  override _write(chunk: string | Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    const piece = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    const end = piece.lastIndexOf('\n');
    let lines: string[] = [];
    if (end < 0) {
      if (piece !== '') this.pending.push(piece);
    } else {
      this.pending.push(piece.slice(0, end));
      lines = this.pending.join('').split('\n');
      this.pending = end + 1 < piece.length ? [piece.slice(end + 1)] : [];
    }
    // The target's own errors (EPIPE) are its 'error' handler's business.
    if (lines.length === 0) {
      this.target.write('', () => done());
      return;
    }
    // A block each: joined, the blocks of one chunk could pass V8's longest string.
    let left = lines.length;
    for (const line of lines) this.target.write(this.format(line), () => --left === 0 && done());
  }

  override _final(done: (error?: Error | null) => void): void {
    const rest = this.pending.join('') + this.decoder.end();
    this.pending = [];
    this.target.write(rest === '' ? '' : this.format(rest), () => done());
  }

  private format(line: string): string {
    let value: unknown;
    try {
      value = parseJson(line);
    } catch {
      return `${line}\n`;
    }
    // Too long to indent: written as the node wrote it, on one line.
    return `${prettyJson(value, this.colors) ?? line}\n`;
  }
}
