// The last step of the build, on dist/projection-node.cjs as esbuild wrote it:
// - Escapes each non-ASCII character as \uXXXX. esbuild escapes them in code, but
//   keeps comments as written; an ASCII bundle loads as one-byte text, a plain copy,
//   where UTF-8 would be decoded into text twice the size. An escape means the same
//   character in a string, a regular expression or a name, and is inert in a comment.
// - Runs the bundle once on requests of every kind and writes V8's code cache of it
//   as it then is, compiled functions included, to dist/projection-node.cjs.cache
//   (see bin/bundle.cjs). The run is a child process whose stdin is the requests
//   below and whose stdout is discarded.
'use strict';
const { spawnSync } = require('node:child_process');
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { loadBundle } = require('../bin/bundle.cjs');

const bundle = join(__dirname, '..', 'dist', 'projection-node.cjs');
const cachePath = `${bundle}.cache`;

/** Writes `path` whole or not at all: V8 would take a cache cut short by an interrupted build as damaged. */
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

if (process.argv[2] === '--warm') {
  const { exports, cache } = loadBundle(bundle, cachePath);
  exports.main([]).then((code) => {
    if (code !== 0) throw new Error(`the warm-up run exited with ${code}`);
    replaceFile(cachePath, cache());
  });
} else {
  const source = readFileSync(bundle, 'utf8');
  const ascii = source.replace(/[^\0-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (ascii !== source) replaceFile(bundle, ascii);
  const run = spawnSync(process.execPath, [__filename, '--warm'], {
    input: warmUpInput(),
    stdio: ['pipe', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  if (run.status !== 0) {
    process.stderr.write(`finish-bundle: the warm-up run failed (${run.status ?? run.signal}):\n${run.stderr}`);
    process.exit(1);
  }
}
