// Event-loop floor: the floor's work per line, with stdin read as a node must read
// it to keep its event loop turning (for signals and timers): 'data' events from
// process.stdin, decoded as latin1 (the input is ASCII), rather than a blocking
// fs.readSync. Only `latency` runs it, to show what waiting for input through the
// event loop costs a round trip before any work is done.
'use strict';
const { writeSync } = require('node:fs');

let rest = '';
process.stdin.setEncoding('latin1');
process.stdin.on('data', (chunk) => {
  const text = rest + chunk;
  let out = '';
  let from = 0;
  for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
    if (nl > from) {
      const m = JSON.parse(text.slice(from, nl));
      out += `${JSON.stringify({ src: m.dest, dest: m.src, body: m.body })}\n`;
    }
    from = nl + 1;
  }
  rest = text.slice(from);
  if (out !== '') writeSync(1, out);
});
process.stdin.on('end', () => {
  if (rest === '') return;
  const m = JSON.parse(rest);
  writeSync(1, `${JSON.stringify({ src: m.dest, dest: m.src, body: m.body })}\n`);
});
