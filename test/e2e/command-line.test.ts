import { constants } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { linesOf } from '../support/lines.js';
import { runNode } from '../support/spawned-node.js';
import { DEFAULT_RPC_TIMEOUT_MS, MAX_LINE_BYTES, MAX_RPC_TIMEOUT_MS } from '../../src/cli.js';
import { DEFAULT_MAX_LINE_BYTES } from '../../src/maelstrom/limits.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
/** The README's "Command line" section, up to the next heading of its level. */
const section = /^## Command line\n([\s\S]*?)^## /m.exec(readme)?.[1] ?? '';

describe('command line', () => {
  it.each(['-h', '--help'])('%s prints the usage on stdout and exits 0', async (flag) => {
    const { stdout, stderr, code } = await runNode('', [flag]);
    expect(stdout[0]).toBe('Usage: projection-node [options]');
    expect(stdout).toContain('  -h, --help           print this help and exit');
    expect({ stderr, code }).toEqual({ stderr: '', code: 0 });
  });

  it.each(['-v', '--version'])('%s prints the version on stdout and exits 0', async (flag) => {
    const { stdout, stderr, code } = await runNode('', [flag]);
    expect({ stdout, stderr, code }).toEqual({ stdout: [`projection-node ${version}`], stderr: '', code: 0 });
  });

  it('a bad value is named on stderr with what the flag takes, before the usage, and exits 2', async () => {
    const { stdout, stderr, code } = await runNode('', ['--max-line-bytes', '-5']);
    expect(stdout).toEqual([]);
    expect(linesOf(stderr).slice(0, 3)).toEqual([
      `projection-node: --max-line-bytes takes a whole number from 1 to ${MAX_LINE_BYTES}, got "-5"`,
      '',
      'Usage: projection-node [options]',
    ]);
    expect(code).toBe(2);
  });

  it('a timeout above the longest a timer takes is refused, not cut to 1 ms', async () => {
    const { stdout, stderr, code } = await runNode('', ['--rpc-timeout-ms=2147483648']);
    expect(stdout).toEqual([]);
    expect(stderr).toMatch(
      /^projection-node: --rpc-timeout-ms can be at most 2147483647, the longest delay a Node\.js timer takes; got "2147483648"\n/,
    );
    expect(stderr).not.toContain('TimeoutOverflowWarning');
    expect(code).toBe(2);
  });

  it('takes a value after "="', async () => {
    const request = JSON.stringify({ src: 'c1', dest: 'n1', body: { type: 'list', msg_id: 1 } });
    const { stdout, stderr, code } = await runNode(`${request}\n`, [`--max-line-bytes=${request.length - 1}`]);
    const limit = request.length - 1;
    expect({ stdout, stderr, code }).toEqual({
      stdout: [
        `{"src":"n1","dest":"c1","body":{"type":"error","in_reply_to":1,"code":12,"text":"list: the message is longer than --max-line-bytes allows (${limit} bytes), and was dropped unread"}}`,
      ],
      stderr: `line 1: longer than --max-line-bytes (${limit}); dropped, and answered with error 12\n`,
      code: 0,
    });
  });
});

describe("the README's Command line section", () => {
  /** The table row of a flag, as its cells. */
  const row = (flag: string): string[] =>
    new RegExp(`^\\| \`${flag}\` \\|(.*)\\|$`, 'm')
      .exec(section)?.[1]
      ?.split('|')
      .map((cell) => cell.trim()) ?? [];

  it('gives the defaults and maxima the node has', () => {
    expect(row('--max-line-bytes N').slice(0, 2)).toEqual([
      `${DEFAULT_MAX_LINE_BYTES} (256 MiB)`,
      `drop input lines longer than N bytes; N is at most ${MAX_LINE_BYTES}. A rebuild that streams (one over 64 KiB, or one over N that arrives in more than one read) is not dropped (see [Streaming rebuild](#streaming-rebuild))`,
    ]);
    expect(row('--rpc-timeout-ms N')[0]).toBe(String(DEFAULT_RPC_TIMEOUT_MS));
    expect(row('--rpc-timeout-ms N')[1]).toMatch(new RegExp(`; N is at most ${MAX_RPC_TIMEOUT_MS}$`));
    expect(DEFAULT_MAX_LINE_BYTES).toBe(256 * 1024 * 1024);
    expect(section).toContain(`V8's longest string is ${constants.MAX_STRING_LENGTH} UTF-16 units`);
    expect(section).toContain(`longest delay is ${MAX_RPC_TIMEOUT_MS} ms (2³¹ − 1)`);
    expect(MAX_RPC_TIMEOUT_MS).toBe(2 ** 31 - 1);
  });

  it('is right that a longer timer fires after 1 ms', () => {
    const script = `const start = Date.now(); setTimeout(() => console.log(Date.now() - start < 1000), ${MAX_RPC_TIMEOUT_MS + 1});`;
    expect(execFileSync(process.execPath, ['--no-warnings', '-e', script], { encoding: 'utf8' })).toBe('true\n');
  });

  it('shows the message a bad value really gets', async () => {
    const [, command = '', message, usage] =
      /<!-- example: usage error -->\s*```text\n\$ (.*)\n(.*)\n\n(.*)\n…\n```/.exec(section) ?? [];
    const [bin, ...args] = command.split(' ');
    expect(bin).toBe('bin/projection-node');
    const { stderr, code } = await runNode('', args);
    expect(linesOf(stderr).slice(0, 3)).toEqual([message, '', usage]);
    expect(code).toBe(2);
  });
});
