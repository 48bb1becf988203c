import { JsonFragment } from '../json/value.js';

/**
 * The UTF-8 bytes of a JSON array, without its closing bracket, in a buffer with
 * room to grow. Appending writes only past the bytes already handed out, so a
 * fragment given to a pending write is never changed under it.
 */
export class ArrayBytes {
  private buffer: Buffer;
  private length: number;
  private empty: boolean;

  /** `openJson` is "[" followed by the comma-separated elements. */
  constructor(openJson: string, empty: boolean) {
    const bytes = Buffer.byteLength(openJson);
    this.buffer = Buffer.allocUnsafe(bytes * 2 + 64);
    this.length = this.buffer.write(openJson, 0);
    this.empty = empty;
  }

  append(elementJson: string): void {
    const text = this.empty ? elementJson : `,${elementJson}`;
    const bytes = Buffer.byteLength(text);
    if (this.length + bytes > this.buffer.length) {
      // A new buffer, not a resize: fragments handed out keep pointing at the old one.
      const grown = Buffer.allocUnsafe((this.length + bytes) * 2);
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    this.length += this.buffer.write(text, this.length);
    this.empty = false;
  }

  /** The JSON's length in bytes, closing bracket included. */
  get byteLength(): number {
    return this.length + 1;
  }

  fragment(): JsonFragment {
    return new JsonFragment([this.buffer.subarray(0, this.length), ']']);
  }
}
