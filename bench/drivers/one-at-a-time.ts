// A client that sends a workload's requests to a node one at a time: each line
// is written only once the reply to the one before has arrived, and each round
// trip, from the write to the reply's newline, is timed with
// process.hrtime.bigint(). The bench runs it for `latency` and `query-1m`.
//
//   node --import tsx bench/drivers/one-at-a-time.ts --input IN --output OUT --times TIMES.json \
//     [--stderr ERR] -- command [args...]
//
// OUT gets the replies, one per line; TIMES.json gets {"requests":[{"label","ns"}…]}, where a
// label is the request body's type (with " where" added to a request that has a where clause),
// and "nodeCpus" the CPUs the node was allowed to run on.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { LineReader } from '../lines.js';

export interface RequestTime {
  label: string;
  ns: number;
}

export interface DriverTimes {
  requests: RequestTime[];
  /** The CPUs the node was allowed to run on, as Linux lists them (`0`, `0-1`); absent without /proc. */
  nodeCpus?: string;
}

/** The CPUs process `pid` may run on, from /proc (Linux), if it can be read. */
function allowedCpus(pid: number | undefined): string | undefined {
  try {
    return /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

const NEWLINE = Buffer.from('\n');

/** Hands out the lines a stream writes, one per call, waiting for each as needed. */
class ReplyLines {
  private pieces: Buffer[] = [];
  private lines: Buffer[] = [];
  private waiter: ((line: Buffer | undefined) => void) | undefined;
  private ended = false;

  constructor(stream: Readable) {
    stream.on('data', (chunk: Buffer) => this.take(chunk));
    stream.on('end', () => {
      this.ended = true;
      this.wake();
    });
  }

  next(): Promise<Buffer | undefined> {
    const line = this.lines.shift();
    if (line !== undefined || this.ended) return Promise.resolve(line);
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  private take(chunk: Buffer): void {
    let start = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
      this.pieces.push(chunk.subarray(start, nl));
      this.lines.push(this.pieces.length === 1 ? this.pieces[0]! : Buffer.concat(this.pieces));
      this.pieces = [];
      start = nl + 1;
    }
    if (start < chunk.length) this.pieces.push(chunk.subarray(start));
    this.wake();
  }

  private wake(): void {
    const waiter = this.waiter;
    if (waiter === undefined) return;
    const line = this.lines.shift();
    if (line === undefined && !this.ended) return;
    this.waiter = undefined;
    waiter(line);
  }
}

function label(line: Buffer): string {
  const head = line.toString('latin1', 0, Math.min(line.length, 400));
  const type = /"type":"([^"]*)"/.exec(head)?.[1] ?? '?';
  return line.includes('"where":') ? `${type} where` : type;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      input: { type: 'string' },
      output: { type: 'string' },
      times: { type: 'string' },
      stderr: { type: 'string' },
    },
  });
  const [file, ...args] = positionals;
  if (!values.input || !values.output || !values.times || file === undefined) {
    process.stderr.write(
      'usage: one-at-a-time.ts --input IN --output OUT --times TIMES.json [--stderr ERR] -- command [args...]\n',
    );
    return 2;
  }
  const errFd = openSync(values.stderr ?? '/dev/null', 'w');
  const child = spawn(file, args, { stdio: ['pipe', 'pipe', errFd] });
  const exited = new Promise<number | string>((resolve) => {
    child.on('error', (error) => resolve(error.message));
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  // Read at once: the child exists from spawn on, and the affinity it inherits at fork survives exec.
  const nodeCpus = allowedCpus(child.pid);
  const { stdin, stdout } = child;
  if (stdin === null || stdout === null) throw new Error('spawn gave no pipes');
  // A node that dies shows in its exit status; the write that found the pipe closed has nothing to add.
  stdin.on('error', () => {});
  const replies = new ReplyLines(stdout);
  const input = new LineReader(values.input);
  const outFd = openSync(values.output, 'w');
  const requests: RequestTime[] = [];
  try {
    for (let line = input.next(); line !== undefined; line = input.next()) {
      if (line.length === 0) continue;
      const payload = Buffer.concat([line, NEWLINE]);
      const start = process.hrtime.bigint();
      stdin.write(payload);
      const reply = await replies.next();
      const ns = Number(process.hrtime.bigint() - start);
      if (reply === undefined) {
        process.stderr.write(
          `one-at-a-time: the node closed its stdout before answering request ${requests.length + 1}\n`,
        );
        break;
      }
      requests.push({ label: label(line), ns });
      writeSync(outFd, reply);
      writeSync(outFd, NEWLINE);
    }
    stdin.end();
    const status = await exited;
    // Replies written after the last request's (there should be none) still belong in the output.
    for (let reply = await replies.next(); reply !== undefined; reply = await replies.next()) {
      writeSync(outFd, reply);
      writeSync(outFd, NEWLINE);
    }
    const times: DriverTimes = { requests, ...(nodeCpus === undefined ? {} : { nodeCpus }) };
    writeFileSync(values.times, JSON.stringify(times));
    if (status !== 0) {
      process.stderr.write(`one-at-a-time: ${file} exited with ${status}\n`);
      return 1;
    }
    return 0;
  } finally {
    input.close();
    closeSync(outFd);
    closeSync(errFd);
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`one-at-a-time: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
