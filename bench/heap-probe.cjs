// Loaded into a command with `node [--expose-gc] --require bench/heap-probe.cjs …`:
// when the process exits, it writes process.memoryUsage().heapUsed plus
// arrayBuffers (typed arrays live outside the heap), in bytes, to the file named by
// HEAP_PROBE_FILE, after full collections if --expose-gc made them available. The bench runs this once per command, apart from the timed runs.
'use strict';
const { writeFileSync } = require('node:fs');

const file = process.env.HEAP_PROBE_FILE;
if (file) {
  // A child of the command must not overwrite the command's figure.
  delete process.env.HEAP_PROBE_FILE;
  process.on('exit', () => {
    // The second collection frees the array buffers the first found unreachable.
    if (typeof globalThis.gc === 'function') for (let round = 0; round < 2; round++) globalThis.gc();
    const { heapUsed, arrayBuffers } = process.memoryUsage();
    writeFileSync(file, `${heapUsed + arrayBuffers}\n`);
  });
}
