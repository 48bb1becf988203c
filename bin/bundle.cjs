// Loads dist/projection-node.cjs with V8's code cache, dist/projection-node.cjs.cache,
// which the build writes after a warm-up run: compiling the bundle's source at each
// start cost about 17 ms, a tenth of a start. V8 checks only that a cache was made by
// the same V8 from a source of the same length, so the cache file also holds a copy
// of the bundle it was made from, and is used only while that copy matches the bundle
// byte for byte: a bundle rebuilt or edited since is compiled from its source, as it
// would be without a cache. A copy survives npm's packing, which resets every file's
// modification time. A cache cut short fails V8's own checks; past that, the cache is
// trusted as the bundle itself is.
'use strict';
const { isAscii } = require('node:buffer');
const { readFileSync } = require('node:fs');
const { dirname } = require('node:path');
const { Script } = require('node:vm');

/** Bytes before the copy of the bundle: its length, as a 32-bit little-endian integer. */
const HEADER_BYTES = 4;

/** The V8 code cache in `cachePath`, if it was made from `bundle`. */
function cacheFor(bundle, cachePath) {
  let file;
  try {
    file = readFileSync(cachePath);
  } catch {
    return undefined;
  }
  if (file.length < HEADER_BYTES) return undefined;
  const end = HEADER_BYTES + file.readUInt32LE(0);
  return file.subarray(HEADER_BYTES, end).equals(bundle) ? file.subarray(end) : undefined;
}

/**
 * Runs the CommonJS bundle at `path` as `require` would, using the code cache in
 * `cachePath` if it fits. Returns its exports, whether V8 took the cache, and what makes
 * a cache of it as it now is.
 */
function loadBundle(path, cachePath) {
  const bytes = readFileSync(path);
  const cachedData = cacheFor(bytes, cachePath);
  // The build makes the bundle ASCII, which latin1 decodes as a plain copy.
  const source = isAscii(bytes) ? bytes.latin1Slice(0, bytes.length) : bytes.utf8Slice(0, bytes.length);
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new Script(wrapper, { filename: path, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, require, module, path, dirname(path));
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32LE(bytes.length);
  return {
    exports: module.exports,
    cached: cachedData !== undefined && !script.cachedDataRejected,
    cache: () => Buffer.concat([header, bytes, script.createCachedData()]),
  };
}

module.exports = { loadBundle };
