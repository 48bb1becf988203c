import { parseJson } from './parse.js';

/**
 * Elements are parsed about this many characters at a time: one native parse per batch,
 * kept small and young. The unparsed text is flattened with the next piece, so twice
 * this plus a piece (64 KiB) must stay under V8's large-object size (128 KiB, which text
 * of one-byte characters fills at 128 Ki characters, and other text at half that): at 48 KiB
 * a rebuild ran about 30% longer than at 16 or 32 KiB.
 */
export const BATCH_CHARS = 16 * 1024;

/** Where a scan of the array's elements stands, so that more text resumes it rather than restarting it. */
class BoundaryScanner {
  at = 0;
  private depth = 0;
  private inString = false;

  /** Forgets the scan: `rest` now starts at a boundary. */
  reset(): void {
    this.at = 0;
    this.depth = 0;
    this.inString = false;
  }

  /**
   * Scans `text`, which starts at position `base` of the text the scan is in, from where
   * it stopped. Returns the first comma between elements at or after `from`, or the array's
   * closing bracket (`closed`), or -1 once the text is used up. Positions count from the
   * start of the whole text. A closing bracket the array does not hold is a syntax error.
   */
  scan(text: string, from: number, base = 0): { at: number; closed: boolean } {
    let { depth, inString } = this;
    const n = base + text.length;
    let i = this.at;
    for (; i < n; i++) {
      const c = text.charCodeAt(i - base);
      if (inString) {
        if (c === 0x22) inString = false;
        else if (c === 0x5c) i++;
        continue;
      }
      if (c === 0x22) inString = true;
      else if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        if (depth === 0) {
          if (c === 0x7d) throw new SyntaxError('Unexpected token } in JSON');
          // Kept as at a comma: a scan resumed here finds this bracket again.
          this.at = i;
          this.depth = depth;
          this.inString = inString;
          return { at: i, closed: true };
        }
        depth--;
      } else if (c === 0x2c && depth === 0 && i >= from) {
        this.at = i;
        this.depth = depth;
        this.inString = inString;
        return { at: i, closed: false };
      }
    }
    // An escape at the very end skips past it: the next text resumes after the escaped character.
    this.at = i;
    this.depth = depth;
    this.inString = inString;
    return { at: -1, closed: false };
  }
}

/**
 * The elements of one JSON array whose text arrives in pieces, starting just after its
 * "[": parsed a batch at a time as the text arrives, so neither the whole text nor the
 * whole array is ever held. What follows the closing "]" is kept as the tail. Batches
 * are cut where a guess says an element ends ("},") and the native parser confirms it
 * (a cut inside a string or a nested value cannot parse as a list of values); if the
 * guess fails, a scan finds the boundary. Numbers stay exact (parseJson).
 */
export class ArrayStream {
  /** Unparsed text: it starts at a boundary, just after the "[" or after a comma between elements. */
  private rest = '';
  /**
   * While a scan looks for the end of a long element: the text that came after `rest`,
   * scanned but not joined to it. Joining each piece would copy the element so far each
   * time: a time that grows with the square of the element's length.
   */
  private pieces: string[] = [];
  private piecesLength = 0;
  private scanner = new BoundaryScanner();
  /** Whether the scanner, not the guess, finds the next boundary. */
  private scanning = false;
  private taken = 0;
  /** Text after the closing "]", once it is found. */
  private tail: string | undefined;

  constructor(
    /** Gets each batch of elements, in order. */
    private readonly onElements: (elements: unknown[]) => void,
    /** The most text held at once, unparsed or as the tail; past it, push throws RangeError. */
    private readonly maxChars: number,
    private readonly batchChars = BATCH_CHARS,
    /** Parses each batch's text; only a SyntaxError from it means the text is not JSON. */
    private readonly parse: (text: string) => unknown = parseJson,
  ) {}

  /** Takes more of the text. Throws SyntaxError where it is not JSON. */
  push(text: string): void {
    if (this.tail !== undefined) {
      this.tail += text;
      if (this.tail.length > this.maxChars) throw new RangeError('the text after the array is too long');
      return;
    }
    const base = this.rest.length + this.piecesLength;
    // Only while the scan has found no boundary yet: one it found waits for the cut below.
    if (this.scanning && this.scanner.at >= base) {
      this.pieces.push(text);
      this.piecesLength += text.length;
      const { at } = this.scanner.scan(text, this.batchChars, base);
      // What is held up to the element's end: text after the boundary is not the element's.
      if ((at < 0 ? base + text.length : at) > this.maxChars) throw new RangeError('an element is too long');
      if (at < 0) return;
      this.joinPieces();
    } else {
      this.joinPieces();
      this.rest += text;
    }
    while (this.tail === undefined && this.rest.length >= 2 * this.batchChars && this.cut()) {}
    if (this.tail === undefined && this.rest.length > this.maxChars) throw new RangeError('an element is too long');
  }

  private joinPieces(): void {
    if (this.pieces.length === 0) return;
    this.rest += this.pieces.join('');
    this.pieces = [];
    this.piecesLength = 0;
  }

  /** The text after the array, once the whole text has been pushed. Throws SyntaxError where it is not JSON. */
  end(): string {
    this.joinPieces();
    if (this.tail === undefined) {
      if (!this.closeByGuess()) {
        while (this.tail === undefined) {
          if (!this.cutByScan(this.batchChars)) throw new SyntaxError('Unexpected end of JSON input');
        }
      }
    }
    return this.tail as string;
  }

  /** Parses the next batch, if the text holds a whole one; false if it needs more text. */
  private cut(): boolean {
    if (!this.scanning) {
      const guess = this.rest.indexOf('},', this.batchChars);
      if (guess >= 0) {
        const elements = this.tryParse(`[${this.rest.slice(0, guess + 1)}]`);
        if (elements) {
          this.take(elements, guess + 2);
          return true;
        }
      }
      this.scanning = true;
      this.scanner.reset();
    }
    return this.cutByScan(this.batchChars);
  }

  /** Parses up to the first boundary at or after `from` that a scan finds; false if the text has none yet. */
  private cutByScan(from: number): boolean {
    const { at, closed } = this.scanner.scan(this.rest, from);
    if (at < 0) return false;
    const elements = this.parse(`[${this.rest.slice(0, at)}]`) as unknown[];
    // "[" then "]" right after a comma: a trailing comma.
    if (closed && elements.length === 0 && this.taken > 0) throw new SyntaxError('Unexpected token ] in JSON');
    this.scanning = false;
    this.take(elements, closed ? at : at + 1);
    if (closed) this.closeAt(0);
    return true;
  }

  /** At the end of the text: the closing "]" is most likely among the last ones. */
  private closeByGuess(): boolean {
    let close = this.rest.length;
    for (let tries = 0; tries < 4; tries++) {
      close = this.rest.lastIndexOf(']', close - 1);
      if (close < 0) return false;
      const elements = this.tryParse(`[${this.rest.slice(0, close + 1)}`);
      if (!elements) continue;
      if (elements.length === 0 && this.taken > 0) throw new SyntaxError('Unexpected token ] in JSON');
      this.take(elements, close);
      this.closeAt(0);
      return true;
    }
    this.scanning = true;
    this.scanner.reset();
    return false;
  }

  /** The values of a JSON array text, or undefined if it is not one. */
  private tryParse(text: string): unknown[] | undefined {
    try {
      return this.parse(text) as unknown[];
    } catch (error) {
      if (error instanceof SyntaxError) return undefined;
      throw error;
    }
  }

  private take(elements: unknown[], consumed: number): void {
    this.rest = this.rest.slice(consumed);
    this.scanner.reset();
    this.taken += elements.length;
    if (elements.length > 0) this.onElements(elements);
  }

  /** `rest` starts at the closing "]": what follows it is the tail. */
  private closeAt(at: number): void {
    this.tail = this.rest.slice(at + 1);
    this.rest = '';
  }
}
