import './schema/zod-config.js';
import { fstatSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import packageJson from '../package.json' with { type: 'json' };
import { isTerminal } from './builtins.js';
import { parseCommandLine, USAGE } from './cli.js';
import { serveProjections } from './serve.js';
import { Node } from './maelstrom/node.js';
import { MemoryGuard } from './messages/memory.js';
import { Diagnostics } from './maelstrom/diagnostics.js';
import { FileInput } from './maelstrom/file-input.js';
import { FileOutput } from './maelstrom/output.js';
import { makeDirectory } from './storage/files.js';
import { BareBodies } from './terminal/bare-bodies.js';
import { terminalMode, TYPING_HINT } from './terminal/mode.js';
import { PrettyOutput } from './terminal/pretty.js';

/** stderr, paced: a reader that does not keep up costs a count of dropped lines, not memory. */
const log = new Diagnostics(process.stderr).log;

/** Why a bare body typed at the node was left as it is: only a line of LARGE_LINE characters or more is. */
const LARGE_BARE_BODY_HINT = 'a body alone of 1,048,576 characters or more is read as it is: send it as an envelope';

/** stdin; a file is read synchronously (see FileInput). Only a file: a read of a pipe can block forever. */
function standardInput(): Readable {
  return fstatSync(0).isFile() ? new FileInput(0) : process.stdin;
}

/**
 * Standard output, at `fd`: a file, or a device that is not a terminal (/dev/null), gets one
 * vectored write per batch of replies, where Node's own stream for them writes each part
 * with a syscall of its own.
 */
export function standardOutput(fd = 1): Writable {
  const stat = fstatSync(fd);
  return stat.isFile() || (stat.isCharacterDevice() && !isTerminal(fd)) ? new FileOutput(fd) : process.stdout;
}

/** Runs the node on this process's stdin and stdout; resolves with the exit code. */
export async function main(args: readonly string[]): Promise<number> {
  const command = parseCommandLine(args);
  switch (command.kind) {
    case 'help':
      process.stdout.write(USAGE);
      return 0;
    case 'version': {
      process.stdout.write(`projection-node ${packageJson.version}\n`);
      return 0;
    }
    case 'usage-error':
      process.stderr.write(`projection-node: ${command.message}\n\n${USAGE}`);
      return 2;
    case 'run':
      break;
  }

  const stdout = standardOutput();
  stdout.on('error', (error: NodeJS.ErrnoException) => {
    // The reader went away: nobody is left to answer, so leave without a trace.
    if (error.code === 'EPIPE') process.exit(0);
    log(`projection-node: cannot write to stdout: ${error.message}`);
    process.exit(1);
  });
  // A bug must cost one request, never the node and its read models.
  process.on('uncaughtException', (error) => log(`projection-node: internal error: ${error.stack ?? error.message}`));

  const memory = new MemoryGuard(command.settings.maxMemoryMb * 1024 * 1024);
  // A person typing at the node: bare bodies are wrapped, replies indented (and colored on a terminal).
  const terminal = terminalMode(command.settings, isTerminal(0), isTerminal(1), process.env);
  const output = terminal.pretty ? new PrettyOutput(stdout, terminal.colors) : stdout;
  const bareBodies = terminal.typing ? new BareBodies((): string | undefined => node.id) : undefined;
  const input = standardInput();
  const node = new Node({
    input,
    ...(input instanceof FileInput ? { recycle: input.recycle } : {}),
    output,
    log,
    maxLineBytes: command.settings.maxLineBytes,
    canParse: (size) => memory.canParse(size),
    couldParse: (size) => memory.couldParse(size),
    ...(bareBodies
      ? { rewriteLine: bareBodies.wrap, bareBodyHint: LARGE_BARE_BODY_HINT }
      : { bareBodyHint: 'a body alone needs --interactive' }),
  });
  if (terminal.typing) log(TYPING_HINT);
  const { dataDir } = command.settings;
  if (dataDir !== undefined) {
    // A directory that can never be used stops the start; one held by another process stops it at first use.
    try {
      makeDirectory(dataDir);
    } catch (error) {
      log(`projection-node: cannot create the data directory ${dataDir}: ${(error as Error).message}`);
      return 1;
    }
  }
  const journal = serveProjections(node, {
    rpcTimeoutMs: command.settings.rpcTimeoutMs,
    ...(command.settings.dedupWindow === undefined ? {} : { dedupWindow: command.settings.dedupWindow }),
    memory,
    log,
    ...(dataDir === undefined
      ? {}
      : {
          durable: {
            dataDir,
            log: (line: string) => log(`projection-node: ${line}`),
            fatal: (message: string) => {
              log(`projection-node: ${message}`);
              process.exit(1);
            },
          },
        }),
  });
  /** At any orderly exit: the data directory is closed (its lock released) and its syncs counted. */
  const closeJournal = (): void => {
    const syncs = journal?.syncs;
    if (journal === undefined || syncs === undefined) return;
    log(`projection-node: data directory ${journal.dir}: ${syncs} ${syncs === 1 ? 'sync' : 'syncs'}`);
    journal.close();
  };
  // Every orderly exit passes here, the ones process.exit() takes too (a reader gone, a second signal).
  process.once('exit', closeJournal);
  let stopping = false;
  const stop = (): void => {
    // A second signal means now: a reader that never reads would otherwise keep us waiting.
    if (stopping) process.exit(0);
    stopping = true;
    node.stop();
    // Writes to a pipe are asynchronous on POSIX: exiting now could cut the last reply off
    // mid-line. This write's callback runs once everything before it is out.
    output.write('', () => process.exit(0));
  };
  // SIGHUP, a closed terminal or a supervisor's reload: the same orderly stop, never a cut-off reply.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    // In place of the ones bin/projection-node sets while it loads the node.
    process.removeAllListeners(signal);
    process.on(signal, stop);
  }

  await node.run();
  closeJournal();
  return 0;
}
