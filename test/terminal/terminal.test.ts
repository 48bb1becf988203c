/**
 * The terminal layer on its own: which mode a start gets, bare bodies wrapped in
 * envelopes, and replies written as indented JSON.
 */
import { PassThrough, Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/cli.js';
import { parseJson } from '../../src/json/parse.js';
import { LARGE_LINE } from '../../src/maelstrom/limits.js';
import { BareBodies } from '../../src/terminal/bare-bodies.js';
import { mayHoldLongMemberName } from '../../src/json/long-names.js';
import { terminalMode } from '../../src/terminal/mode.js';
import { MAX_PRETTY_LENGTH, PrettyOutput, prettyJson } from '../../src/terminal/pretty.js';

const ANSI = /\u001b\[[0-9;]*m/g;

describe('the command line', () => {
  it('takes --interactive and --pretty, and neither when not given', () => {
    const settings = (args: string[]) => {
      const command = parseCommandLine(args);
      return command.kind === 'run' ? command.settings : undefined;
    };
    expect(settings(['--interactive'])).toMatchObject({ interactive: true });
    expect(settings(['--pretty'])).toMatchObject({ pretty: true });
    expect(settings([])).not.toHaveProperty('interactive');
    expect(settings([])).not.toHaveProperty('pretty');
    expect(parseCommandLine(['--pretty=yes'])).toEqual({
      kind: 'usage-error',
      message: '--pretty takes no value, got "--pretty=yes"',
    });
    expect(parseCommandLine(['--interactive=1'])).toEqual({
      kind: 'usage-error',
      message: '--interactive takes no value, got "--interactive=1"',
    });
  });
});

describe('terminalMode', () => {
  const off = { typing: false, pretty: false, colors: false };
  it('changes nothing in a pipe without flags, whatever stdout is', () => {
    expect(terminalMode({}, false, false, {})).toEqual(off);
    expect(terminalMode({}, false, true, {})).toEqual(off);
  });

  it('types, indents and colors when stdin and stdout are terminals', () => {
    expect(terminalMode({}, true, true, {})).toEqual({ typing: true, pretty: true, colors: true });
  });

  it('colors only a terminal stdout, and never with NO_COLOR set', () => {
    expect(terminalMode({}, true, false, {})).toEqual({ typing: true, pretty: true, colors: false });
    expect(terminalMode({}, true, true, { NO_COLOR: '1' })).toEqual({ typing: true, pretty: true, colors: false });
    // An empty NO_COLOR is not set (no-color.org).
    expect(terminalMode({}, true, true, { NO_COLOR: '' })).toEqual({ typing: true, pretty: true, colors: true });
  });

  it('--interactive types in a pipe; --pretty only indents', () => {
    expect(terminalMode({ interactive: true }, false, false, {})).toEqual({
      typing: true,
      pretty: true,
      colors: false,
    });
    expect(terminalMode({ pretty: true }, false, false, {})).toEqual({ typing: false, pretty: true, colors: false });
    expect(terminalMode({ pretty: true }, false, true, {})).toEqual({ typing: false, pretty: true, colors: true });
  });
});

describe('BareBodies', () => {
  it('wraps a bare body from c1 to n1 with msg_ids 1, 2, 3… unless it has its own', () => {
    const bodies = new BareBodies(() => undefined);
    expect(bodies.wrap('{"type":"list"}')).toBe('{"src":"c1","dest":"n1","body":{"msg_id":1,"type":"list"}}');
    expect(bodies.wrap('{"type":"list","msg_id":7}')).toBe(
      '{"src":"c1","dest":"n1","body":{"type":"list","msg_id":7}}',
    );
    expect(bodies.wrap('  {"type":"read", "projection":"p"} ')).toBe(
      '{"src":"c1","dest":"n1","body":{"msg_id":2,"type":"read", "projection":"p"}}',
    );
    // A msg_id of any value is the body's own, to be checked as any msg_id is.
    expect(bodies.wrap('{"type":"list","msg_id":null}')).toBe(
      '{"src":"c1","dest":"n1","body":{"type":"list","msg_id":null}}',
    );
    expect(bodies.wrap('{"type":"list"}')).toBe('{"src":"c1","dest":"n1","body":{"msg_id":3,"type":"list"}}');
    // A line of a megabyte or more is left for the node's watched parse: not even looked at here.
    const large = `{"type":"create","name":"p","initial_state":"${'x'.repeat(LARGE_LINE)}"}`;
    expect(bodies.wrap(large)).toBe(large);
    const justUnder = `{"type":"list","pad":"${'x'.repeat(LARGE_LINE - 25)}"}`;
    expect(justUnder.length).toBe(LARGE_LINE - 1);
    expect(bodies.wrap(justUnder)).toBe(`{"src":"c1","dest":"n1","body":{"msg_id":4,${justUnder.slice(1)}}`);
    // So is a line with a member name too long to hash, which the node then refuses.
    const longName = `{"type":"create","name":"p","initial_state":{"${'n'.repeat(16_384)}":1}}`;
    expect(bodies.wrap(longName)).toBe(longName);
    // A line that only looks as if it might hold one (16,384 characters without a quote, then ":x") is wrapped.
    const lookalike = `{"type":"list","pad":[${'1,'.repeat(9000)}":x"]}`;
    expect(mayHoldLongMemberName(lookalike)).toBe(true);
    expect(bodies.wrap(lookalike)).toBe(`{"src":"c1","dest":"n1","body":{"msg_id":5,${lookalike.slice(1)}}`);
  });

  it("sends to the node's id once init has named it", () => {
    let id: string | undefined;
    const bodies = new BareBodies(() => id);
    expect(bodies.wrap('{"type":"init","node_id":"n5","node_ids":["n5"]}')).toBe(
      '{"src":"c1","dest":"n1","body":{"msg_id":1,"type":"init","node_id":"n5","node_ids":["n5"]}}',
    );
    id = 'n5';
    expect(bodies.wrap('{"type":"list"}')).toBe('{"src":"c1","dest":"n5","body":{"msg_id":2,"type":"list"}}');
  });

  it('copies the body as typed, so numbers keep their digits', () => {
    const body =
      '{"type":"update","projection":"p","event":{"event_type":"E","event_data":{"id":123456789012345678901234567890,"x":1e400,"y":1.0}}}';
    expect(new BareBodies(() => undefined).wrap(body)).toBe(
      `{"src":"c1","dest":"n1","body":{"msg_id":1,${body.slice(1)}}`,
    );
  });

  it('drops a leading byte order mark', () => {
    expect(new BareBodies(() => undefined).wrap('\uFEFF{"type":"list"}')).toBe(
      '{"src":"c1","dest":"n1","body":{"msg_id":1,"type":"list"}}',
    );
  });

  it('leaves every other line as it is, and counts no msg_id for it', () => {
    const bodies = new BareBodies(() => undefined);
    for (const line of [
      '{"src":"c2","dest":"n1","body":{"type":"list","msg_id":9}}',
      '{"type":"list","body":{}}',
      '{"type":"list","src":"c2"}',
      '{"type":5}',
      '{"name":"users"}',
      '[{"type":"list"}]',
      '"list"',
      'not json',
      '{"type":"list"',
    ]) {
      expect(bodies.wrap(line)).toBe(line);
    }
    expect(bodies.wrap('{"type":"list"}')).toBe('{"src":"c1","dest":"n1","body":{"msg_id":1,"type":"list"}}');
  });
});

describe('prettyJson', () => {
  it('writes what JSON.stringify(value, null, 2) writes', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(prettyJson(value, false)).toBe(JSON.stringify(value, null, 2));
      }),
    );
  });

  it('with colors, writes the same text with each token colored', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(prettyJson(value, true)?.replace(ANSI, '')).toBe(JSON.stringify(value, null, 2));
      }),
    );
    expect(prettyJson({ k: ['s', 1, true, null, {}, []] }, true)).toBe(
      [
        '{',
        '  \u001b[1;34m"k"\u001b[0m: [',
        '    \u001b[32m"s"\u001b[0m,',
        '    \u001b[33m1\u001b[0m,',
        '    \u001b[35mtrue\u001b[0m,',
        '    \u001b[35mnull\u001b[0m,',
        '    {},',
        '    []',
        '  ]',
        '}',
      ].join('\n'),
    );
  });

  it('writes exact numbers as their text, and escapes control characters', () => {
    expect(prettyJson(parseJson('[123456789012345678901234567890,1e400]'), false)).toBe(
      '[\n  123456789012345678901234567890,\n  1e400\n]',
    );
    expect(prettyJson({ '\u001b[31m': '\u001b[2J' }, true)).toBe(
      '{\n  \u001b[1;34m"\\u001b[31m"\u001b[0m: \u001b[32m"\\u001b[2J"\u001b[0m\n}',
    );
  });
  it('makes no text longer than its bound', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, colors) => {
        const text = prettyJson(value, colors) as string;
        expect(prettyJson(value, colors, text.length)).toBe(text);
        expect(prettyJson(value, colors, text.length - 1)).toBeUndefined();
      }),
    );
  });
});

describe('PrettyOutput', () => {
  /** Writes `chunks` through a PrettyOutput and returns what reaches its target. */
  async function through(chunks: readonly (string | Buffer)[]): Promise<string> {
    const target = new PassThrough();
    let text = '';
    target.setEncoding('utf8');
    target.on('data', (chunk: string) => (text += chunk));
    const output = new PrettyOutput(target, false);
    for (const chunk of chunks) output.write(chunk);
    await new Promise<void>((resolve) => output.end(resolve));
    return text;
  }

  it('writes each line as a block of indented JSON, however the lines arrive', async () => {
    const lines = '{"src":"n1","dest":"c1","body":{"type":"list_ok","in_reply_to":1,"projections":[]}}\n{"a":"é"}\n';
    const expected = `${JSON.stringify(JSON.parse(lines.split('\n')[0] ?? ''), null, 2)}\n{\n  "a": "é"\n}\n`;
    expect(await through([lines])).toBe(expected);
    const bytes = Buffer.from(lines);
    // Cut inside the two-byte "é" too.
    const cuts = [...Array(bytes.length).keys()].map((at) => [bytes.subarray(0, at), bytes.subarray(at)]);
    for (const parts of cuts) expect(await through(parts)).toBe(expected);
    expect(await through(['{"a"', Buffer.from(':[1,'), '2]}\n'])).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}\n');
    // A byte at a time: every line is made of many pieces.
    expect(await through([...bytes].map((byte) => Buffer.from([byte])))).toBe(expected);
  });

  it('passes a line that is not JSON as it is', async () => {
    expect(await through(['not json\n{}\n'])).toBe('not json\n{}\n');
  });

  it('writes a line whose indented form would pass MAX_PRETTY_LENGTH as it is, and the lines around it indented', async () => {
    // Each level of nesting indents every line below it: 42 elements 900 deep take 68 million characters.
    const deep = `[${Array(42)
      .fill(`${'['.repeat(900)}1${']'.repeat(900)}`)
      .join(',')}]`;
    expect(JSON.stringify(JSON.parse(deep), null, 2).length).toBeGreaterThan(MAX_PRETTY_LENGTH);
    expect(await through([`{"a":1}\n${deep}\n[]\n`])).toBe(`{\n  "a": 1\n}\n${deep}\n[]\n`);
  });

  it('calls back each write, an empty one too, only once its text has reached the target', async () => {
    const order: string[] = [];
    const target = new Writable({
      write(chunk: Buffer, _encoding, done) {
        // A slow reader: each write completes a little later.
        setTimeout(() => {
          order.push(`target took ${JSON.stringify(chunk.toString())}`);
          done();
        }, 5);
      },
    });
    const output = new PrettyOutput(target, false);
    output.write('{"n":1}\n', () => order.push('first'));
    output.write('', () => order.push('empty'));
    await new Promise<void>((resolve) => output.end(resolve));
    expect(order.slice(0, 3)).toEqual(['target took "{\\n  \\"n\\": 1\\n}\\n"', 'first', 'target took ""']);
    expect(order[3]).toBe('empty');
  });
});
