import { parseArgs } from 'node:util';
import { DEFAULT_MAX_LINE_BYTES } from './maelstrom/limits.js';
import { defaultMaxMemoryMb } from './messages/memory.js';

export const DEFAULT_RPC_TIMEOUT_MS = 1000;

export const USAGE = `Usage: projection-node [options]

A Maelstrom node that keeps named event projections. Reads one JSON message per
line on stdin and writes one reply per line on stdout; diagnostics go to stderr.

Options:
  --max-line-bytes N   drop input lines longer than N bytes (default ${DEFAULT_MAX_LINE_BYTES})
  --rpc-timeout-ms N   in a cluster, answer error 0 (timeout) when the owner of a
                       projection does not answer within N ms (default ${DEFAULT_RPC_TIMEOUT_MS})
  --max-memory-mb N    refuse writes that may grow memory (error 11) once the data
                       in memory passes N MiB (default ${defaultMaxMemoryMb()}: three quarters
                       of the V8 heap limit)
  --help               print this help and exit
  --version            print the version and exit
`;

export interface NodeSettings {
  readonly maxLineBytes: number;
  readonly rpcTimeoutMs: number;
  readonly maxMemoryMb: number;
}

export type Command =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'run'; readonly settings: NodeSettings }
  | { readonly kind: 'usage-error'; readonly message: string };

function positiveInteger(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
    throw new TypeError(`${flag} takes a positive whole number, got ${JSON.stringify(text)}`);
  }
  return value;
}

export function parseCommandLine(args: readonly string[]): Command {
  try {
    const { values } = parseArgs({
      args: [...args],
      strict: true,
      options: {
        help: { type: 'boolean' },
        version: { type: 'boolean' },
        'max-line-bytes': { type: 'string' },
        'rpc-timeout-ms': { type: 'string' },
        'max-memory-mb': { type: 'string' },
      },
    });
    if (values.help) return { kind: 'help' };
    if (values.version) return { kind: 'version' };
    return {
      kind: 'run',
      settings: {
        maxLineBytes: positiveInteger('--max-line-bytes', values['max-line-bytes'], DEFAULT_MAX_LINE_BYTES),
        rpcTimeoutMs: positiveInteger('--rpc-timeout-ms', values['rpc-timeout-ms'], DEFAULT_RPC_TIMEOUT_MS),
        maxMemoryMb: positiveInteger('--max-memory-mb', values['max-memory-mb'], defaultMaxMemoryMb()),
      },
    };
  } catch (error) {
    return { kind: 'usage-error', message: (error as Error).message };
  }
}
