/**
 * The README's "Typing at the node", run as a person runs it: in a real pseudo-terminal
 * (util-linux's `script`), typing lines and Ctrl-D, reading what the terminal shows.
 * The flags are checked in pipes too.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseJson } from '../../src/json/parse.js';
import { stringifyJson } from '../../src/json/stringify.js';
import { TYPING_HINT } from '../../src/terminal/mode.js';
import { runNode } from '../support/spawned-node.js';
import { assertScriptWorks, Pty } from '../support/pty.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
/** The README's "Typing at the node" section, up to the next heading of its level. */
const section = /^## Typing at the node\n([\s\S]*?)^## /m.exec(readme)?.[1] ?? '';
const CTRL_D = '\u0004';

const running: Pty[] = [];
/** Runs `command` in a terminal; afterEach ends it if a test left it running. */
function terminal(command = 'bin/projection-node', env: Record<string, string> = {}): Pty {
  const pty = new Pty(command, env);
  running.push(pty);
  return pty;
}
afterEach(() => {
  for (const pty of running.splice(0)) pty.kill();
});

/** Types `line` and waits until its reply's block has ended (a "}" alone on its line). */
async function typeLine(pty: Pty, line: string): Promise<void> {
  const before = pty.text.length;
  pty.type(`${line}\n`);
  await pty.waitFor(`the reply to ${line}`, (text) => text.length > before && text.endsWith('\n}\n'));
}

/** The reply blocks of indented output, each parsed, numbers exactly. */
function blocks(text: string): unknown[] {
  return text
    .split(/(?<=\n\}\n)/)
    .filter((block) => block !== '')
    .map((block) => parseJson(block));
}

describe('typing at the node in a terminal', () => {
  beforeAll(assertScriptWorks);

  it("shows what the README's session shows, in color, and Ctrl-D ends it with exit 0", async () => {
    const [, transcript = ''] = /<!-- example: terminal -->\n```text\n([\s\S]*?)```/.exec(section) ?? [];
    const [command = '', hint = '', ...rest] = transcript.split('\n');
    expect(command).toBe('$ bin/projection-node');
    expect(hint).toBe(TYPING_HINT);
    const typed = rest.filter((line) => line.startsWith('{"'));
    expect(typed).toHaveLength(2);

    const pty = terminal(command.slice(2));
    await pty.waitFor('the hint', (text) => text === `${hint}\n`);
    for (const line of typed) await typeLine(pty, line);
    pty.type(CTRL_D);
    expect(await pty.exit()).toBe(0);
    expect(pty.text).toBe(transcript.slice(command.length + 1));
    // Keys blue, strings green, numbers yellow, as jq colors them.
    expect(pty.raw).toContain('\u001b[1;34m"src"\u001b[0m: \u001b[32m"n1"\u001b[0m,\r\n');
    expect(pty.raw).toContain('\u001b[1;34m"version"\u001b[0m: \u001b[33m0\u001b[0m\r\n');
  });

  it('numbers bare bodies 1, 2, 3… unless one has its own msg_id, and reads a whole envelope as it is', async () => {
    const pty = terminal();
    await pty.waitFor('the hint', (text) => text.includes(TYPING_HINT));
    const lines = [
      '{"type":"list"}',
      '{"type":"list","msg_id":70}',
      '{"src":"c7","dest":"n1","body":{"type":"list","msg_id":71}}',
      '{"type":"list"}',
      '{"type":"list","msg_id":123456789012345678901234567890}',
    ];
    for (const line of lines) await typeLine(pty, line);
    pty.type(CTRL_D);
    expect(await pty.exit()).toBe(0);
    const shown = pty.text.split('\n').filter((line) => !line.startsWith('{"') && line !== TYPING_HINT);
    const replies = blocks(shown.join('\n'));
    expect(replies.map((reply) => (reply as { dest: string }).dest)).toEqual(['c1', 'c1', 'c7', 'c1', 'c1']);
    expect(
      replies.map((reply) => stringifyJson((reply as { body: { in_reply_to: unknown } }).body.in_reply_to)),
    ).toEqual(['1', '70', '71', '2', '123456789012345678901234567890']);
    expect(pty.text).toContain('"in_reply_to": 123456789012345678901234567890,\n');
  });

  it("sends bare bodies to the node's init id once init has named it", async () => {
    const pty = terminal();
    await pty.waitFor('the hint', (text) => text.includes(TYPING_HINT));
    await typeLine(pty, '{"type":"init","node_id":"n5","node_ids":["n5"]}');
    await typeLine(pty, '{"type":"list"}');
    pty.type(CTRL_D);
    expect(await pty.exit()).toBe(0);
    const replies = blocks(
      pty.text
        .split('\n')
        .slice(2)
        .filter((line) => !line.startsWith('{"'))
        .join('\n'),
    );
    expect(replies).toEqual([
      { src: 'n5', dest: 'c1', body: { type: 'init_ok', in_reply_to: 1 } },
      { src: 'n5', dest: 'c1', body: { type: 'list_ok', in_reply_to: 2, projections: [] } },
    ]);
  });

  it('writes no colors with NO_COLOR set', async () => {
    const pty = terminal('bin/projection-node', { NO_COLOR: '1' });
    await pty.waitFor('the hint', (text) => text.includes(TYPING_HINT));
    await typeLine(pty, '{"type":"list"}');
    pty.type(CTRL_D);
    expect(await pty.exit()).toBe(0);
    expect(pty.raw).not.toContain('\u001b');
    expect(pty.text).toContain('\n  "body": {\n    "type": "list_ok",\n');
  });

  it('writes indented replies without colors when stdout is a file, and the hint still to the terminal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'projection-node-terminal-'));
    try {
      const file = join(dir, 'out');
      const pty = terminal(`bin/projection-node > ${file}`);
      await pty.waitFor('the hint', (text) => text === `${TYPING_HINT}\n`);
      pty.type('{"type":"list"}\n');
      pty.type(CTRL_D);
      expect(await pty.exit()).toBe(0);
      expect(pty.text).toBe(`${TYPING_HINT}\n{"type":"list"}\n`);
      expect(readFileSync(file, 'utf8')).toBe(
        '{\n  "src": "n1",\n  "dest": "c1",\n  "body": {\n    "type": "list_ok",\n    "in_reply_to": 1,\n    "projections": []\n  }\n}\n',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gets at most 4095 characters of a typed line from the terminal', async () => {
    const pty = terminal('bin/projection-node', { NO_COLOR: '1' });
    await pty.waitFor('the hint', (text) => text.includes(TYPING_HINT));
    const name = 'x'.repeat(5000);
    pty.type(`{"type":"create","name":"${name}"}\n`);
    await pty.waitFor('the cut line logged', (text) => text.includes('line 1: not JSON'));
    pty.type(CTRL_D);
    expect(await pty.exit()).toBe(0);
    expect(pty.text).toContain('line 1: not JSON (Unterminated string in JSON at position 4095)');
  });
});

describe('the terminal flags in a pipe', () => {
  const list = '{"src":"c1","dest":"n1","body":{"type":"list","msg_id":1}}';
  const listOk = '{"src":"n1","dest":"c1","body":{"type":"list_ok","in_reply_to":1,"projections":[]}}';

  it('--interactive gives the hint, takes bare bodies and indents replies, without colors', async () => {
    const { stdout, stderr, code } = await runNode('{"type":"create","name":"users"}\n{"type":"list"}\n', [
      '--interactive',
    ]);
    expect(stderr).toBe(`${TYPING_HINT}\n`);
    expect(code).toBe(0);
    const text = stdout.join('\n');
    expect(text).not.toContain('\u001b');
    expect(blocks(text)).toEqual([
      { src: 'n1', dest: 'c1', body: { type: 'projection_created', in_reply_to: 1, name: 'users', version: 0 } },
      {
        src: 'n1',
        dest: 'c1',
        body: { type: 'list_ok', in_reply_to: 2, projections: [{ name: 'users', version: 0 }] },
      },
    ]);
  });

  it('--interactive takes bare bodies from a file, as the README says', async () => {
    expect(section).toContain('`bin/projection-node --interactive < requests.txt` takes bare bodies');
    const dir = mkdtempSync(join(tmpdir(), 'projection-node-terminal-'));
    try {
      const file = join(dir, 'requests.txt');
      writeFileSync(file, '{"type":"list"}\n');
      const stdout = execFileSync('sh', ['-c', `bin/projection-node --interactive < ${file} 2>/dev/null`], {
        cwd: new URL('../..', import.meta.url),
        encoding: 'utf8',
      });
      expect(blocks(stdout)).toEqual([JSON.parse(listOk)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--pretty only indents: no hint, no bare bodies, no colors', async () => {
    const { stdout, stderr, code } = await runNode(`${list}\n{"type":"list"}\n`, ['--pretty']);
    expect(code).toBe(0);
    expect(stdout.join('\n')).toBe(JSON.stringify(JSON.parse(listOk), null, 2));
    expect(stderr).toBe(
      'line 2: cannot answer: src is required; body is required (a body alone needs --interactive): "{\\"type\\":\\"list\\"}"\n',
    );
  });

  it('--interactive reads a bare body of a megabyte or more as it is, and its stderr line says why', async () => {
    const pad = 'x'.repeat(1_048_576 - '{"type":"list","pad":""}'.length);
    const { stdout, stderr } = await runNode(`{"type":"list","pad":"${pad}"}\n`, ['--interactive']);
    expect(stdout).toEqual([]);
    expect(stderr).toContain(
      'line 1: cannot answer: src is required; body is required (a body alone of 1,048,576 characters or more is read as it is: send it as an envelope)',
    );
  });

  it('--pretty keeps every digit of a number', async () => {
    const big = '123456789012345678901234567890';
    const { stdout } = await runNode(
      `{"src":"c1","dest":"n1","body":{"type":"create","msg_id":1,"name":"p","initial_state":[${big},1e400,0.10000000000000000001]}}\n{"src":"c1","dest":"n1","body":{"type":"read","msg_id":2,"projection":"p"}}\n`,
      ['--pretty'],
    );
    expect(stdout.join('\n')).toContain(`"state": [\n      ${big},\n      1e400,\n      0.10000000000000000001\n    ]`);
  });

  it('without the flags a bare body gets no reply, one stderr line, and replies stay compact', async () => {
    const { stdout, stderr } = await runNode(`{"type":"list"}\n${list}\n`);
    expect(stdout).toEqual([listOk]);
    expect(stderr).toBe(
      'line 1: cannot answer: src is required; body is required (a body alone needs --interactive): "{\\"type\\":\\"list\\"}"\n',
    );
  });
});

describe("the README's Command line section", () => {
  it('lists --interactive and --pretty, as --help does', async () => {
    expect(readme).toMatch(/^projection-node \[.*\[--interactive\] \[--pretty\]/m);
    expect(readme).toMatch(/^\| `--interactive` \| when stdin is a terminal \|/m);
    expect(readme).toMatch(/^\| `--pretty` \| when stdin is a terminal \|/m);
    const { stdout } = await runNode('', ['--help']);
    expect(stdout.filter((line) => /^ {2}--(interactive|pretty) /.test(line))).toHaveLength(2);
  });
});

describe("the README's Design and Layout", () => {
  it('have terminal/ added by main.ts alone, at both ends, and listed', () => {
    const src = new URL('../../src/', import.meta.url);
    const importers = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter(
      (file) =>
        file.endsWith('.ts') &&
        !file.startsWith('terminal/') &&
        /from '\.{1,2}\/(\.\.\/)*terminal\//.test(readFileSync(new URL(file, src), 'utf8')),
    );
    expect(importers).toEqual(['main.ts']);
    expect(readme).toContain('For a person at a terminal, `main.ts` adds `terminal/` at both ends');
    expect(readme).toMatch(/^\| `src\/terminal\/` \| /m);
  });
});
