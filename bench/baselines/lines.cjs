// The line loop the floor and parse-only baselines share: the cheapest way plain
// Node has to turn stdin into lines and lines into one write of replies.
//
// - stdin is read with fs.readSync into one 64 KiB buffer: no stream, no event
//   loop turn per chunk. 32 to 96 KiB cost the same CPU time on small; 160 KiB,
//   256 KiB and 1 MiB cost about half as much again, though 1 MiB ran about as
//   many instructions (callgrind). The likely cause: a decoded block over
//   128 KiB is a string V8 allocates in its large-object space, not its young
//   generation, and from a megabyte on Node keeps it outside V8's heap.
// - Lines are split on the raw bytes; the complete lines of one read are decoded
//   in one call, as latin1 (a plain copy) when they are ASCII, else as UTF-8, and
//   then cut with String#indexOf and slice (slices share the decoded text).
// - A line longer than the buffer is decoded piece by piece as it arrives and
//   joined once: about the CPU time of joining the bytes and decoding them
//   once, and a peak RSS 100 MiB lower on rebuild-1m (450 against 550 MiB).
// - The replies to one read's lines leave in one write.
'use strict';
const { readSync, writeSync } = require('node:fs');
const { isAscii } = require('node:buffer');
const { StringDecoder } = require('node:string_decoder');

const BLOCK = 64 * 1024;

function decode(bytes) {
  return isAscii(bytes) ? bytes.latin1Slice(0, bytes.length) : bytes.utf8Slice(0, bytes.length);
}

/** Decodes the pieces of one long line; a UTF-8 character may straddle two pieces. */
class Pieces {
  constructor() {
    this.parts = [];
    this.decoder = undefined;
  }

  get length() {
    return this.parts.length;
  }

  push(bytes) {
    if (this.decoder === undefined && isAscii(bytes)) {
      this.parts.push(bytes.latin1Slice(0, bytes.length));
    } else {
      this.decoder ??= new StringDecoder('utf8');
      this.parts.push(this.decoder.write(bytes));
    }
  }

  /** The whole line, with `last` as its final piece; the pieces are then forgotten. */
  join(last) {
    this.push(last);
    if (this.decoder !== undefined) this.parts.push(this.decoder.end());
    const line = this.parts.join('');
    this.parts = [];
    this.decoder = undefined;
    return line;
  }
}

function writeAll(text) {
  const written = writeSync(1, text);
  if (written === Buffer.byteLength(text)) return;
  // A short write: send the rest as bytes, since `written` counts bytes, not characters.
  const bytes = Buffer.from(text);
  for (let at = written; at < bytes.length; ) at += writeSync(1, bytes, at);
}

function replies(text, reply) {
  let out = '';
  let from = 0;
  for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
    if (nl > from) out += reply(text.slice(from, nl));
    from = nl + 1;
  }
  if (from < text.length) out += reply(text.slice(from));
  return out;
}

/** Calls `reply(line)` for each non-empty line of stdin and writes the strings it returns. */
function serveLines(reply) {
  const buf = Buffer.allocUnsafeSlow(BLOCK);
  let have = 0; // bytes of an unfinished line at the start of buf
  const long = new Pieces(); // earlier pieces of a line longer than buf
  for (;;) {
    const n = readSync(0, buf, have, BLOCK - have, null);
    if (n === 0) break;
    const bytes = buf.subarray(0, have + n);
    // The `have` bytes kept from the last read hold no newline.
    const first = bytes.indexOf(10, have);
    if (first === -1) {
      if (bytes.length === BLOCK) {
        long.push(bytes);
        have = 0;
      } else {
        have = bytes.length;
      }
      continue;
    }
    let out = '';
    let start = 0;
    if (long.length > 0) {
      out = replies(long.join(bytes.subarray(0, first)), reply);
      start = first + 1;
    }
    const last = bytes.lastIndexOf(10);
    if (last > start) out += replies(decode(bytes.subarray(start, last)), reply);
    if (out !== '') writeAll(out);
    bytes.copyWithin(0, last + 1);
    have = bytes.length - last - 1;
  }
  // The last line may lack its newline.
  const out = replies(long.join(buf.subarray(0, have)), reply);
  if (out !== '') writeAll(out);
}

module.exports = { serveLines };
