// Loaded into a command with `node [--expose-gc] --require bench/heap-probe.cjs …`:
// when the process exits, it writes process.memoryUsage().heapUsed, in bytes, to
// the file named by HEAP_PROBE_FILE, after a full collection if --expose-gc made
// one available. The bench runs this once per command, apart from the timed runs.
'use strict';
const { writeFileSync } = require('node:fs');

const file = process.env.HEAP_PROBE_FILE;
if (file) {
  // A child of the command must not overwrite the command's figure.
  delete process.env.HEAP_PROBE_FILE;
  process.on('exit', () => {
    if (typeof globalThis.gc === 'function') globalThis.gc();
    writeFileSync(file, `${process.memoryUsage().heapUsed}\n`);
  });
}
