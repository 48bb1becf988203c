// Floor: the least work any node must do per message (split lines, JSON.parse,
// JSON.stringify an envelope), with one stdout write per input chunk. No logic.
const reply = (line) => {
  const m = JSON.parse(line);
  return JSON.stringify({ src: m.dest, dest: m.src, body: m.body }) + '\n';
};

// Pieces of a line that spans chunks; joined only once its newline arrives,
// so a 60 MB line costs one copy rather than one per chunk.
let pending = [];

process.stdin.on('data', (chunk) => {
  let out = '';
  let start = 0;
  let nl;
  while ((nl = chunk.indexOf(10, start)) !== -1) {
    let line;
    if (pending.length > 0) {
      pending.push(chunk.subarray(start, nl));
      line = Buffer.concat(pending).toString('utf8');
      pending = [];
    } else {
      line = chunk.toString('utf8', start, nl);
    }
    if (line !== '') out += reply(line);
    start = nl + 1;
  }
  if (start < chunk.length) pending.push(chunk.subarray(start));
  if (out !== '') process.stdout.write(out);
});

process.stdin.on('end', () => {
  if (pending.length > 0) process.stdout.write(reply(Buffer.concat(pending).toString('utf8')));
});
