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
 * A JSON value as indented text, two spaces a level, as JSON.stringify(value, null, 2)
 * writes it, ExactNumbers as their text; with `colors`, each token wrapped in its ANSI
 * color. Strings are escaped as in JSON, so no control character reaches a terminal.
 */
export function prettyJson(value: unknown, colors: boolean): string {
  const paint = colors
    ? (style: Style, text: string) => `${STYLES[style]}${text}${RESET}`
    : (_: Style, text: string) => text;
  const write = (item: unknown, indent: string): string => {
    if (item === null || typeof item === 'boolean') return paint('literal', String(item));
    if (typeof item === 'number') return paint('number', Number.isFinite(item) ? String(item) : 'null');
    if (typeof item === 'string') return paint('string', JSON.stringify(item));
    if (item instanceof ExactNumber) return paint('number', item.text);
    const inner = indent + INDENT;
    if (Array.isArray(item)) {
      if (item.length === 0) return '[]';
      return `[\n${item.map((element) => inner + write(element, inner)).join(',\n')}\n${indent}]`;
    }
    const keys = Object.keys(item as object);
    if (keys.length === 0) return '{}';
    const members = keys.map(
      (key) => `${inner}${paint('key', JSON.stringify(key))}: ${write((item as Record<string, unknown>)[key], inner)}`,
    );
    return `{\n${members.join(',\n')}\n${indent}}`;
  };
  return write(value, '');
}

/**
 * The node's output for a person: each line (one envelope) is written to `target` as
 * indented JSON, a block per reply. A line that is not JSON passes unchanged. Each write
 * completes once `target` has taken its text, so the node's backpressure holds, and an
 * empty write completes once everything before it is out.
 */
export class PrettyOutput extends Writable {
  private pending = '';
  private readonly decoder = new StringDecoder('utf8');

  constructor(
    private readonly target: Writable,
    private readonly colors: boolean,
  ) {
    super({ decodeStrings: false });
  }

  override _write(chunk: string | Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    const text = this.pending + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    const end = text.lastIndexOf('\n');
    this.pending = end < 0 ? text : text.slice(end + 1);
    const lines = end < 0 ? [] : text.slice(0, end).split('\n');
    // The target's own errors (EPIPE) are its 'error' handler's business.
    this.target.write(lines.map((line) => this.format(line)).join(''), () => done());
  }

  override _final(done: (error?: Error | null) => void): void {
    const rest = this.pending + this.decoder.end();
    this.pending = '';
    this.target.write(rest === '' ? '' : this.format(rest), () => done());
  }

  private format(line: string): string {
    let value: unknown;
    try {
      value = parseJson(line);
    } catch {
      return `${line}\n`;
    }
    return `${prettyJson(value, this.colors)}\n`;
  }
}
