import type { Writable } from 'node:stream';
import { startOf } from './errors.js';

/** Diagnostics waiting on a slow reader, at most: past this, lines are counted instead of kept. */
const MAX_BACKLOG_BYTES = 64 * 1024;

/** The longest diagnostic line: one that quotes a request (its src, say) shows only its start. */
const MAX_LINE_LENGTH = 4096;

/** C0 and C1 control characters and DEL: a terminal would act on them. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** `text` as a diagnostic shows it: control characters and newlines escaped. */
function escaped(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).replaceAll('\n', '\\n');
}

/** The escaped start of `text`, at most `max` characters, never ending inside an escape or a surrogate pair. */
function escapedStart(text: string, max: number): string {
  let out = '';
  for (const character of startOf(text, max)) {
    const shown = escaped(character);
    if (out.length + shown.length > max) break;
    out += shown;
  }
  return out;
}

/**
 * Writes diagnostic lines to a stream (stderr) without ever holding more than a small
 * backlog: while the reader is behind, lines are counted, and one line says how many
 * were dropped once it has caught up. Control characters from the input are escaped,
 * so a diagnostic is safe to read in a terminal, and a line is cut at MAX_LINE_LENGTH.
 */
export class Diagnostics {
  private dropped = 0;
  private waiting = false;
  /** Whether a write failed (its reader gone): diagnostics have nowhere to go from then on. */
  private failed = false;

  constructor(
    private readonly stream: Writable,
    private readonly maxBacklogBytes = MAX_BACKLOG_BYTES,
  ) {
    // Unheard, the error would be an uncaught exception, whose report is one more diagnostic, and so on without end.
    stream.on('error', () => {
      this.failed = true;
    });
  }

  /** Writes one line (no newline in `text`); bound, so it can be passed around as a function. */
  readonly log = (text: string): void => {
    if (this.failed) return;
    if (this.waiting) {
      this.dropped++;
      return;
    }
    // Cut before escaping, which only lengthens it, so that a long text is not escaped whole.
    const line = escaped(startOf(text, MAX_LINE_LENGTH));
    const cut = line.length > MAX_LINE_LENGTH || text.length > MAX_LINE_LENGTH;
    this.stream.write(cut ? `${escapedStart(text, MAX_LINE_LENGTH)}… (${text.length} characters)\n` : `${line}\n`);
    if (this.stream.writableLength <= this.maxBacklogBytes) return;
    this.waiting = true;
    const resume = (): void => {
      this.stream.off('drain', resume).off('close', resume);
      this.waiting = false;
      if (this.dropped === 0) return;
      const count = this.dropped;
      this.dropped = 0;
      this.log(`… and ${count} more diagnostic line${count === 1 ? '' : 's'}, dropped while stderr was not being read`);
    };
    this.stream.on('drain', resume).on('close', resume);
  };

  /** Lines counted but not written since the reader fell behind. */
  get droppedLines(): number {
    return this.dropped;
  }
}
