// Floor: the least work any node must do per message, done as fast as plain Node
// allows: split stdin into lines, JSON.parse each, and write back one envelope
// per line with the body echoed (one JSON.stringify of the envelope, which ran
// fewer instructions than stringifying its three fields apart and joining them).
// No projection logic. The line loop is in lines.cjs.
'use strict';
const { serveLines } = require('./lines.cjs');

serveLines((line) => {
  const m = JSON.parse(line);
  return `${JSON.stringify({ src: m.dest, dest: m.src, body: m.body })}\n`;
});
