import { nodeZlib } from '../builtins.js';

/**
 * Below this many bytes a table-driven CRC in JavaScript beats zlib's: a native call and the
 * subarray it needs cost about 300 ns, and most records are a few hundred bytes.
 */
const NATIVE_FROM_BYTES = 512;

/** Slicing-by-8 tables: TABLE[k * 256 + b] is the CRC of byte b followed by k zero bytes. */
const TABLE = new Int32Array(8 * 256);
for (let byte = 0; byte < 256; byte++) {
  let crc = byte;
  for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  TABLE[byte] = crc;
}
for (let byte = 0; byte < 256; byte++) {
  let crc = TABLE[byte]!;
  for (let k = 1; k < 8; k++) {
    crc = TABLE[crc & 0xff]! ^ (crc >>> 8);
    TABLE[k * 256 + byte] = crc;
  }
}

/** The CRC-32 (as zlib computes it) of `bytes` from `from` to `to`. */
export function crc32(bytes: Buffer, from: number, to: number): number {
  if (to - from >= NATIVE_FROM_BYTES) return nodeZlib().crc32(bytes.subarray(from, to));
  const table = TABLE;
  let crc = -1;
  let at = from;
  for (; at + 8 <= to; at += 8) {
    const word = crc ^ (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24));
    crc =
      table[1792 + (word & 0xff)]! ^
      table[1536 + ((word >>> 8) & 0xff)]! ^
      table[1280 + ((word >>> 16) & 0xff)]! ^
      table[1024 + (word >>> 24)]! ^
      table[768 + bytes[at + 4]!]! ^
      table[512 + bytes[at + 5]!]! ^
      table[256 + bytes[at + 6]!]! ^
      table[bytes[at + 7]!]!;
  }
  for (; at < to; at++) crc = table[(crc ^ bytes[at]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}
