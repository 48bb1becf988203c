import { constants } from 'node:buffer';
import { DEFAULT_MAX_LINE_BYTES } from './maelstrom/limits.js';
import { defaultMaxMemoryMb, largestMaxMemoryMb } from './messages/memory.js';

/**
 * The longest line the node can take. A line is decoded into one string, which while it
 * streams in may hold one byte more than the cap (a '\r' its end will strip), and a
 * string can be at most MAX_STRING_LENGTH UTF-16 units long; a UTF-8 byte never decodes
 * to more than one unit.
 */
export const MAX_LINE_BYTES = constants.MAX_STRING_LENGTH - 1;
/** The longest delay a Node.js timer takes: a longer one fires after 1 ms instead. */
export const MAX_RPC_TIMEOUT_MS = 2 ** 31 - 1;
export const DEFAULT_RPC_TIMEOUT_MS = 1000;
/** The widest --dedup-window: the digests of so many ids, in base64, still fit in one record of the data directory. */
export const MAX_DEDUP_WINDOW = 2 ** 24;
/** Nine tenths of V8's old space in MiB: data past it would end the process, not be refused. */
const MAX_MEMORY_MB = largestMaxMemoryMb();
/** Only a 32-bit Node.js, whose strings are at most 2^28 - 16 units, holds less than the usual default. */
const DEFAULT_LINE_BYTES = Math.min(DEFAULT_MAX_LINE_BYTES, MAX_LINE_BYTES);

export const USAGE = `Usage: projection-node [options]

A Maelstrom node that keeps named event projections. Reads one JSON message per
line on stdin and writes one reply per line on stdout; diagnostics go to stderr.

Options:
  --max-line-bytes N   drop input lines longer than N bytes, N from 1 to
                       ${MAX_LINE_BYTES} (default ${DEFAULT_LINE_BYTES}); a long rebuild
                       that arrives in pieces streams instead (see the README)
  --rpc-timeout-ms N   in a cluster, answer error 0 (timeout) when the owner of a
                       projection does not answer within N ms, N from 1 to
                       ${MAX_RPC_TIMEOUT_MS} (default ${DEFAULT_RPC_TIMEOUT_MS})
  --max-memory-mb N    refuse writes that may grow memory (error 11) once the data
                       in memory passes N MiB, N from 1 to ${MAX_MEMORY_MB} (default
                       ${defaultMaxMemoryMb()}: three quarters of V8's old space)
  --dedup-window N     remember only the last N event ids of each projection, N from
                       1 to ${MAX_DEDUP_WINDOW} (default: every id); an older id is applied again
  --data-dir DIR       keep every projection in DIR (DIR/<node_id> once init names
                       the node), durable before each reply; without it, in memory only
  --interactive        read as from a person typing, as when stdin is a terminal:
                       a hint on stderr, bare bodies such as {"type":"list"} taken,
                       replies indented
  --pretty             write replies as indented JSON, even into a pipe or a file
  -h, --help           print this help and exit
  -v, --version        print the version and exit

A value may also follow its flag after "=", as in --max-line-bytes=1048576.
`;

export interface NodeSettings {
  readonly maxLineBytes: number;
  readonly rpcTimeoutMs: number;
  readonly maxMemoryMb: number;
  /** How many of the newest event ids each projection remembers; every id without it. */
  readonly dedupWindow?: number;
  /** Where projections are kept durable; in memory only without it. */
  readonly dataDir?: string;
  /** --interactive: read as from a person typing, whatever stdin is. */
  readonly interactive?: true;
  /** --pretty: indented replies, whatever stdout is. */
  readonly pretty?: true;
}

type NumberSetting = 'maxLineBytes' | 'rpcTimeoutMs' | 'maxMemoryMb' | 'dedupWindow';

export type Command =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'run'; readonly settings: NodeSettings }
  | { readonly kind: 'usage-error'; readonly message: string };

interface NumberFlag {
  readonly name: string;
  readonly setting: NumberSetting;
  /** The value without the flag; none means the setting is left out. */
  readonly fallback?: number;
  readonly max: number;
  /** Why `max` is the most, in words. */
  readonly maxReason: string;
}

const NUMBER_FLAGS: readonly NumberFlag[] = [
  {
    name: '--max-line-bytes',
    setting: 'maxLineBytes',
    fallback: DEFAULT_LINE_BYTES,
    max: MAX_LINE_BYTES,
    maxReason: 'the longest line one JavaScript string can hold',
  },
  {
    name: '--rpc-timeout-ms',
    setting: 'rpcTimeoutMs',
    fallback: DEFAULT_RPC_TIMEOUT_MS,
    max: MAX_RPC_TIMEOUT_MS,
    maxReason: 'the longest delay a Node.js timer takes',
  },
  {
    name: '--max-memory-mb',
    setting: 'maxMemoryMb',
    fallback: defaultMaxMemoryMb(),
    max: MAX_MEMORY_MB,
    maxReason: "nine tenths of V8's old space (node --max-old-space-size raises it)",
  },
  {
    name: '--dedup-window',
    setting: 'dedupWindow',
    max: MAX_DEDUP_WINDOW,
    maxReason: 'the most event ids whose digests fit in one record of the data directory',
  },
];

/** The flags that take no value. */
const SWITCHES: readonly string[] = ['-h', '--help', '-v', '--version', '--interactive', '--pretty'];

class UsageError extends Error {}

/** The flag's value as a number, or a UsageError naming the flag, the value and what it takes. */
function wholeNumber(flag: NumberFlag, text: string): number {
  const value = Number(text);
  if (!/^[0-9]+$/.test(text) || value < 1) {
    throw new UsageError(`${flag.name} takes a whole number from 1 to ${flag.max}, got ${JSON.stringify(text)}`);
  }
  if (value > flag.max) {
    throw new UsageError(`${flag.name} can be at most ${flag.max}, ${flag.maxReason}; got ${JSON.stringify(text)}`);
  }
  return value;
}

function parse(args: readonly string[]): Command {
  let help = false;
  let version = false;
  const texts = new Map<NumberFlag, string>();
  let dataDir: string | undefined;
  const switches = { interactive: false, pretty: false };
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    // "--flag=value"; a short flag takes no value, so "-h=x" is simply unknown.
    const equals = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = equals < 0 ? arg : arg.slice(0, equals);
    const inline = equals < 0 ? undefined : arg.slice(equals + 1);
    if (SWITCHES.includes(name)) {
      if (inline !== undefined) throw new UsageError(`${name} takes no value, got ${JSON.stringify(arg)}`);
      if (name === '-h' || name === '--help') help = true;
      else if (name === '-v' || name === '--version') version = true;
      else switches[name === '--interactive' ? 'interactive' : 'pretty'] = true;
      continue;
    }
    if (name === '--data-dir') {
      dataDir = inline ?? args[++index];
      if (dataDir === undefined || dataDir === '') throw new UsageError('--data-dir needs a value: a directory');
      continue;
    }
    const flag = NUMBER_FLAGS.find((candidate) => candidate.name === name);
    if (flag) {
      // The next argument is the value even if it starts with "-": "--max-line-bytes -5" is a bad value, not a missing one.
      const text = inline ?? args[++index];
      if (text === undefined) throw new UsageError(`${flag.name} needs a value: a whole number from 1 to ${flag.max}`);
      texts.set(flag, text);
      continue;
    }
    throw new UsageError(
      arg.startsWith('-') ? `unknown option ${JSON.stringify(name)}` : `unexpected argument ${JSON.stringify(arg)}`,
    );
  }
  if (help) return { kind: 'help' };
  if (version) return { kind: 'version' };
  const numbers: Record<Exclude<NumberSetting, 'dedupWindow'>, number> & { dedupWindow?: number } = {
    maxLineBytes: 0,
    rpcTimeoutMs: 0,
    maxMemoryMb: 0,
  };
  for (const flag of NUMBER_FLAGS) {
    const text = texts.get(flag);
    const value = text === undefined ? flag.fallback : wholeNumber(flag, text);
    if (value !== undefined) numbers[flag.setting] = value;
  }
  return {
    kind: 'run',
    settings: {
      ...numbers,
      ...(dataDir === undefined ? {} : { dataDir }),
      ...(switches.interactive ? { interactive: true } : {}),
      ...(switches.pretty ? { pretty: true } : {}),
    },
  };
}

/**
 * What the command line asks for. A flag that is unknown or lacks its value is a usage
 * error even beside --help; otherwise --help wins, then --version, and only then are the
 * values checked. A repeated flag keeps its last value.
 */
export function parseCommandLine(args: readonly string[]): Command {
  try {
    return parse(args);
  } catch (error) {
    if (error instanceof UsageError) return { kind: 'usage-error', message: error.message };
    throw error;
  }
}
