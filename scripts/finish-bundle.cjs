// The last step of the build, on dist/projection-node.cjs as esbuild wrote it:
// - Escapes each non-ASCII character as \uXXXX, where that changes nothing: esbuild
//   escapes them in strings and names but keeps comments, regular expressions and raw
//   templates as written. An ASCII bundle loads as one-byte text, a plain copy, where
//   UTF-8 is decoded into text twice the size. The escaped bundle is kept only if
//   esbuild minifies it to the same code as the original.
// - Runs the bundle once on requests of every kind and writes V8's code cache of it
//   as it then is, compiled functions included, to dist/projection-node.cjs.cache
//   (see bin/bundle.cjs). The run is a child process whose stdin is the requests
//   below and whose stdout is discarded; the build fails if the run does.
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync, readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { loadBundle } = require('../bin/bundle.cjs');

const bundle = join(__dirname, '..', 'dist', 'projection-node.cjs');
const cachePath = `${bundle}.cache`;

/** Writes `path` whole or not at all. */
function replaceFile(path, data) {
  writeFileSync(`${path}.tmp`, data);
  renameSync(`${path}.tmp`, path);
}

/** One request of each kind the node serves, a few of them failing, and enough updates for the hot paths. */
function warmUpInput() {
  const bodies = [
    { type: 'init', node_id: 'n1', node_ids: ['n1'] },
    { type: 'create', name: 'users', initial_state: [], handlers: { UserDeleted: 'remove' }, indexes: ['email'] },
    { type: 'create', name: 'totals', initial_state: {} },
    { type: 'create', name: 'count', initial_state: 0, handlers: { Counted: 'replace' } },
  ];
  for (let i = 0; i < 200; i++) {
    const id = `u${i % 20}`;
    bodies.push({
      type: 'update',
      projection: 'users',
      event: { event_type: 'UserUpdated', event_id: `e${i}`, event_data: { id, email: `${id}@x`, n: i } },
    });
    bodies.push({ type: 'update', projection: 'totals', event: { event_type: 'Added', event_data: { [id]: i } } });
  }
  const events = Array.from({ length: 50 }, (_, i) => ({ event_type: 'Counted', event_data: i }));
  bodies.push(
    { type: 'update', projection: 'users', event: { event_type: 'UserDeleted', event_data: { id: 'u3' } } },
    { type: 'rebuild', projection: 'count', events },
    { type: 'read', projection: 'users' },
    { type: 'query', projection: 'users', where: { email: 'u4@x' } },
    { type: 'list' },
    { type: 'describe', projection: 'totals' },
    { type: 'stats' },
    { type: 'read', projection: 'missing' },
    { type: 'update', projection: 'users', event: { event_type: 7 } },
    { type: 'delete', projection: 'count' },
  );
  const lines = bodies.map((body, i) => JSON.stringify({ src: 'c1', dest: 'n1', body: { ...body, msg_id: i + 1 } }));
  return `${lines.join('\n')}\nnot json\n`;
}

/** Escapes the bundle's non-ASCII characters, if esbuild finds the escaped code the same. */
function escapeNonAscii() {
  const source = readFileSync(bundle, 'utf8');
  const ascii = source.replace(/[^\0-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (ascii === source) return;
  const { transformSync } = require('esbuild');
  const minified = (code) => transformSync(code, { minify: true, format: 'cjs', platform: 'node' }).code;
  if (minified(ascii) === minified(source)) replaceFile(bundle, ascii);
}

/** In the child: serves the warm-up requests, then writes the cache; any failure fails the build. */
function warm() {
  const fail = (why) => {
    process.stderr.write(`${why}\n`);
    process.exit(1);
  };
  try {
    const { exports, cache } = loadBundle(bundle, cachePath);
    exports.main([]).then((code) => {
      if (code !== 0) fail(`the warm-up run ended with exit code ${code}`);
      try {
        replaceFile(cachePath, cache());
      } catch (error) {
        fail(`cannot write ${cachePath}: ${error.message}`);
      }
    }, fail);
  } catch (error) {
    fail(error.stack);
  }
}

if (process.argv[2] === '--warm') {
  warm();
} else {
  escapeNonAscii();
  // A cache left from an earlier build is not loaded by the warm-up run, nor kept if it fails.
  rmSync(cachePath, { force: true });
  const run = spawnSync(process.execPath, [__filename, '--warm'], {
    input: warmUpInput(),
    stdio: ['pipe', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  if (run.status !== 0 || !existsSync(cachePath)) {
    process.stderr.write(`finish-bundle: the warm-up run failed (${run.status ?? run.signal}):\n${run.stderr}`);
    process.exit(1);
  }
}
