// Loads dist/projection-node.cjs with V8's code cache, dist/projection-node.cjs.cache,
// which the build writes after a warm-up run: compiling the bundle's source at each
// start cost about 17 ms, a tenth of a start. V8 itself checks only its own version,
// its flags and the length of the source. So the cache file also names the Node
// release and architecture that made it (Node releases share a V8 version but patch
// it) and holds a copy of the bundle it was made from, and it is used only while both
// match: a bundle rebuilt or edited since, or another Node, compiles the bundle from
// its source, as it would without a cache. A copy, unlike a modification time,
// survives npm's packing. V8 checks a cache's length, and its checksum only with
// --verify-snapshot-checksum: without it, V8 reads a cache damaged on disk as it is, and
// can crash. The flag is part of what a cache must match, so the build sets it too
// (through this file). It is on only while V8 reads or makes the cache: Node's own
// built-ins carry caches made without it, which V8 would refuse while it is on.
'use strict';
const { isAscii } = require('node:buffer');
const { readFileSync } = require('node:fs');
const { dirname } = require('node:path');
const { setFlagsFromString } = require('node:v8');
const { Script } = require('node:vm');

/** Who may use a cache: the Node release and architecture that made it. */
const MAKER = `${process.version} ${process.arch}`;

/**
 * The cache file: the lengths of the maker and of the bundle's copy (32-bit,
 * little-endian), the maker, the copy, then V8's data.
 */
function cacheFile(bundle, data) {
  const maker = Buffer.from(MAKER);
  const lengths = Buffer.alloc(8);
  lengths.writeUInt32LE(maker.length, 0);
  lengths.writeUInt32LE(bundle.length, 4);
  return Buffer.concat([lengths, maker, bundle, data]);
}

/** V8's data in the cache file at `cachePath`, if it was made by this Node from `bundle`. */
function cacheFor(bundle, cachePath) {
  let file;
  try {
    file = readFileSync(cachePath);
  } catch {
    return undefined;
  }
  if (file.length < 8) return undefined;
  const makerEnd = 8 + file.readUInt32LE(0);
  const copyEnd = makerEnd + file.readUInt32LE(4);
  if (copyEnd > file.length || file.latin1Slice(8, makerEnd) !== MAKER) return undefined;
  return file.subarray(makerEnd, copyEnd).equals(bundle) ? file.subarray(copyEnd) : undefined;
}

/** What `make` returns, made with V8's checksum of code caches on. */
function checksummed(make) {
  setFlagsFromString('--verify-snapshot-checksum');
  try {
    return make();
  } finally {
    setFlagsFromString('--no-verify-snapshot-checksum');
  }
}

/**
 * Runs the CommonJS bundle at `path` as `require` would, using the code cache in
 * `cachePath` if it fits. Returns its exports, whether V8 took the cache, and what makes
 * a cache file of it as it now is.
 */
function loadBundle(path, cachePath) {
  const bytes = readFileSync(path);
  const cachedData = cacheFor(bytes, cachePath);
  // The build makes the bundle ASCII where it can, and latin1 decodes ASCII as a plain copy.
  const source = isAscii(bytes) ? bytes.latin1Slice(0, bytes.length) : bytes.utf8Slice(0, bytes.length);
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = checksummed(() => new Script(wrapper, { filename: path, ...(cachedData ? { cachedData } : {}) }));
  const module = { exports: {} };
  script.runInThisContext()(module.exports, require, module, path, dirname(path));
  return {
    exports: module.exports,
    cached: cachedData !== undefined && !script.cachedDataRejected,
    cache: () =>
      cacheFile(
        bytes,
        checksummed(() => script.createCachedData()),
      ),
  };
}

module.exports = { loadBundle };
