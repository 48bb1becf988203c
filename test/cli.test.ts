import { constants } from 'node:buffer';
import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RPC_TIMEOUT_MS,
  MAX_DEDUP_WINDOW,
  MAX_LINE_BYTES,
  MAX_RPC_TIMEOUT_MS,
  parseCommandLine,
  USAGE,
} from '../src/cli.js';
import { DEFAULT_MAX_LINE_BYTES } from '../src/maelstrom/limits.js';
import { defaultMaxMemoryMb } from '../src/messages/memory.js';

const defaults = {
  maxLineBytes: DEFAULT_MAX_LINE_BYTES,
  rpcTimeoutMs: DEFAULT_RPC_TIMEOUT_MS,
  maxMemoryMb: defaultMaxMemoryMb(),
};
const run = (settings: Partial<typeof defaults> & { dedupWindow?: number } = {}) => ({
  kind: 'run',
  settings: { ...defaults, ...settings },
});
const usageError = (message: string) => ({ kind: 'usage-error', message });
const lineBytesRange = `--max-line-bytes takes a whole number from 1 to ${MAX_LINE_BYTES}`;
const timeoutRange = `--rpc-timeout-ms takes a whole number from 1 to ${MAX_RPC_TIMEOUT_MS}`;

describe('parseCommandLine', () => {
  it('runs with the defaults when given nothing', () => {
    expect(parseCommandLine([])).toEqual(run());
  });

  it('takes a value as the next argument or after "="', () => {
    expect(parseCommandLine(['--max-line-bytes', '100', '--rpc-timeout-ms=250'])).toEqual(
      run({ maxLineBytes: 100, rpcTimeoutMs: 250 }),
    );
    expect(parseCommandLine(['--max-line-bytes=007'])).toEqual(run({ maxLineBytes: 7 }));
  });

  it('takes --max-memory-mb up to nine tenths of the old space, three quarters of it by default', () => {
    expect(parseCommandLine(['--max-memory-mb', '64'])).toEqual(run({ maxMemoryMb: 64 }));
    // The heap limit holds the old space and a young generation of 48 MiB.
    const oldSpace = getHeapStatistics().heap_size_limit - 48 * 2 ** 20;
    expect(defaultMaxMemoryMb()).toBe(Math.floor((oldSpace * 0.75) / 2 ** 20));
    const max = Math.floor((oldSpace * 0.9) / 2 ** 20);
    expect(parseCommandLine([`--max-memory-mb=${max}`])).toEqual(run({ maxMemoryMb: max }));
    expect(parseCommandLine([`--max-memory-mb=${max + 1}`])).toEqual(
      usageError(
        `--max-memory-mb can be at most ${max}, nine tenths of V8's old space (node --max-old-space-size raises it); got "${max + 1}"`,
      ),
    );
  });

  it('takes --dedup-window from 1 to its maximum, and leaves it out by default: every id is remembered', () => {
    expect(parseCommandLine([])).not.toHaveProperty('settings.dedupWindow');
    expect(parseCommandLine(['--dedup-window', '1'])).toEqual(run({ dedupWindow: 1 }));
    expect(parseCommandLine([`--dedup-window=${MAX_DEDUP_WINDOW}`])).toEqual(run({ dedupWindow: MAX_DEDUP_WINDOW }));
    expect(MAX_DEDUP_WINDOW).toBe(16_777_216);
    expect(parseCommandLine(['--dedup-window', '0'])).toEqual(
      usageError(`--dedup-window takes a whole number from 1 to ${MAX_DEDUP_WINDOW}, got "0"`),
    );
    expect(parseCommandLine([`--dedup-window=${MAX_DEDUP_WINDOW + 1}`])).toEqual(
      usageError(
        `--dedup-window can be at most ${MAX_DEDUP_WINDOW}, the most event ids whose digests fit in one record of the data directory; got "${MAX_DEDUP_WINDOW + 1}"`,
      ),
    );
    expect(parseCommandLine(['--dedup-window'])).toEqual(
      usageError(`--dedup-window needs a value: a whole number from 1 to ${MAX_DEDUP_WINDOW}`),
    );
  });

  it('keeps the last value of a repeated flag', () => {
    expect(parseCommandLine(['--rpc-timeout-ms', '5', '--rpc-timeout-ms=6'])).toEqual(run({ rpcTimeoutMs: 6 }));
  });

  it('takes the maxima themselves', () => {
    expect(parseCommandLine([`--max-line-bytes=${MAX_LINE_BYTES}`, `--rpc-timeout-ms=${MAX_RPC_TIMEOUT_MS}`])).toEqual(
      run({ maxLineBytes: MAX_LINE_BYTES, rpcTimeoutMs: MAX_RPC_TIMEOUT_MS }),
    );
  });

  it('knows -h and --help, -v and --version', () => {
    for (const flag of ['-h', '--help']) expect(parseCommandLine([flag])).toEqual({ kind: 'help' });
    for (const flag of ['-v', '--version']) expect(parseCommandLine([flag])).toEqual({ kind: 'version' });
  });

  it('puts help before version, and both before the check of values', () => {
    expect(parseCommandLine(['-v', '-h'])).toEqual({ kind: 'help' });
    expect(parseCommandLine(['--max-line-bytes', 'lots', '-v'])).toEqual({ kind: 'version' });
  });

  it.each([
    [['--max-line-bytes', '-5'], `${lineBytesRange}, got "-5"`],
    [['--max-line-bytes=-5'], `${lineBytesRange}, got "-5"`],
    [['--max-line-bytes', '0'], `${lineBytesRange}, got "0"`],
    [['--max-line-bytes', 'lots'], `${lineBytesRange}, got "lots"`],
    [['--max-line-bytes', '1.5'], `${lineBytesRange}, got "1.5"`],
    [['--max-line-bytes', '1e3'], `${lineBytesRange}, got "1e3"`],
    [['--max-line-bytes', ' 10'], `${lineBytesRange}, got " 10"`],
    [['--max-line-bytes='], `${lineBytesRange}, got ""`],
    [['--max-line-bytes', '--help'], `${lineBytesRange}, got "--help"`],
    [['--rpc-timeout-ms', '+5'], `${timeoutRange}, got "+5"`],
    [['--rpc-timeout-ms', '0x10'], `${timeoutRange}, got "0x10"`],
  ])('names the flag, the value and the range for a value that is no whole number from 1 up: %j', (args, message) => {
    expect(parseCommandLine(args)).toEqual(usageError(message));
  });

  it('says a value above the maximum is above it, and why that is the maximum', () => {
    expect(parseCommandLine(['--max-line-bytes', '99999999999999999999'])).toEqual(
      usageError(
        `--max-line-bytes can be at most ${MAX_LINE_BYTES}, the longest line one JavaScript string can hold; got "99999999999999999999"`,
      ),
    );
    expect(parseCommandLine(['--max-line-bytes', String(MAX_LINE_BYTES + 1)])).toEqual(
      usageError(
        `--max-line-bytes can be at most ${MAX_LINE_BYTES}, the longest line one JavaScript string can hold; got "${MAX_LINE_BYTES + 1}"`,
      ),
    );
    expect(parseCommandLine(['--rpc-timeout-ms=2147483648'])).toEqual(
      usageError(
        '--rpc-timeout-ms can be at most 2147483647, the longest delay a Node.js timer takes; got "2147483648"',
      ),
    );
  });

  it('rejects a missing value, an unknown flag, a value for a flag that takes none, and a stray argument', () => {
    expect(parseCommandLine(['--rpc-timeout-ms'])).toEqual(
      usageError(`--rpc-timeout-ms needs a value: a whole number from 1 to ${MAX_RPC_TIMEOUT_MS}`),
    );
    expect(parseCommandLine(['--max-line-bytes'])).toEqual(
      usageError(`--max-line-bytes needs a value: a whole number from 1 to ${MAX_LINE_BYTES}`),
    );
    expect(parseCommandLine(['--verbose'])).toEqual(usageError('unknown option "--verbose"'));
    expect(parseCommandLine(['--verbose=1'])).toEqual(usageError('unknown option "--verbose"'));
    expect(parseCommandLine(['-x'])).toEqual(usageError('unknown option "-x"'));
    expect(parseCommandLine(['-hv'])).toEqual(usageError('unknown option "-hv"'));
    expect(parseCommandLine(['--help=yes'])).toEqual(usageError('--help takes no value, got "--help=yes"'));
    expect(parseCommandLine(['n1'])).toEqual(usageError('unexpected argument "n1"'));
  });

  it('rejects an unknown flag even beside --help', () => {
    expect(parseCommandLine(['--help', '--verbose'])).toEqual(usageError('unknown option "--verbose"'));
  });
});

describe('the limits', () => {
  it('keep a line, and the one byte of slack for its "\\r", within the longest string V8 can hold', () => {
    expect(MAX_LINE_BYTES + 1).toBe(constants.MAX_STRING_LENGTH);
  });

  it('are in the usage, with the defaults', () => {
    expect(USAGE).toContain(
      `N from 1 to\n                       ${MAX_LINE_BYTES} (default ${DEFAULT_MAX_LINE_BYTES})`,
    );
    expect(USAGE).toContain(
      `N from 1 to\n                       ${MAX_RPC_TIMEOUT_MS} (default ${DEFAULT_RPC_TIMEOUT_MS})`,
    );
    expect(USAGE).toContain(`N from\n                       1 to ${MAX_DEDUP_WINDOW} (default: every id)`);
    expect(USAGE).toContain(
      'a long rebuild\n                       that arrives in pieces streams instead (see the README)',
    );
    expect(USAGE).toMatch(/^ {2}-h, --help {11}print this help and exit$/m);
    expect(USAGE).toMatch(/^ {2}-v, --version {8}print the version and exit$/m);
  });
});
