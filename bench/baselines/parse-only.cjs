// Parse-only: reads and splits stdin as the floor does and runs JSON.parse on
// each line, but answers each with a small fixed line instead of serializing
// anything. On a rebuild, whose reply is small, this is what any node must pay.
'use strict';
const { serveLines } = require('./lines.cjs');

serveLines((line) => (JSON.parse(line).body === undefined ? '{"parsed":"no body"}\n' : '{"parsed":true}\n'));
