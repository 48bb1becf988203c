/**
 * The README's "Unanswerable lines are logged, not answered": each such line gets one
 * stderr line that says what the line was or what it lacks, and no reply.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runNode } from '../support/spawned-node.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** What the node says on stderr about each line it cannot answer, in order. */
async function diagnostics(lines: readonly string[]): Promise<string[]> {
  const { stdout, stderr, code } = await runNode(lines.map((line) => `${line}\n`).join(''));
  expect(stdout).toEqual([]);
  expect(code).toBe(0);
  return stderr.split('\n').slice(0, -1);
}

describe('unanswerable lines', () => {
  it.each([
    ['not json', 'not JSON (Unexpected token \'o\', "not json" is not valid JSON): "not json"'],
    ['[1,2]', 'cannot answer: the line is a JSON array, not an object: "[1,2]"'],
    ['42', 'cannot answer: the line is a JSON number, not an object: "42"'],
    ['1e400', 'cannot answer: the line is a JSON number, not an object: "1e400"'],
    ['"hi"', 'cannot answer: the line is a JSON string, not an object: "\\"hi\\""'],
    ['true', 'cannot answer: the line is a JSON boolean, not an object: "true"'],
    ['null', 'cannot answer: the line is JSON null, not an object: "null"'],
    ['{}', 'cannot answer: src is required; body is required: "{}"'],
    // A body sent alone, as typed at a terminal, says how the node takes those.
    [
      '{"type":"list","msg_id":1}',
      'cannot answer: src is required; body is required (a body alone needs --interactive): "{\\"type\\":\\"list\\",\\"msg_id\\":1}"',
    ],
    [
      '{"dest":"n1","body":{"type":"list"}}',
      'cannot answer: src is required: "{\\"dest\\":\\"n1\\",\\"body\\":{\\"type\\":\\"list\\"}}"',
    ],
    // A missing dest would be answered: only what leaves nobody to answer is named.
    ['{"src":7,"body":{}}', 'cannot answer: src must be a string, got number: "{\\"src\\":7,\\"body\\":{}}"'],
    ['{"src":"c1","dest":"n1"}', 'cannot answer: body is required: "{\\"src\\":\\"c1\\",\\"dest\\":\\"n1\\"}"'],
    [
      '{"src":"c1","body":null}',
      'cannot answer: body must be an object, got null: "{\\"src\\":\\"c1\\",\\"body\\":null}"',
    ],
    [
      '{"src":"c1","body":[1]}',
      'cannot answer: body must be an object, got array: "{\\"src\\":\\"c1\\",\\"body\\":[1]}"',
    ],
    [
      '{"src":"n2","dest":"n1","body":{"type":"read_ok","in_reply_to":7}}',
      'dropped reply from n2 to 7: no request is waiting for it',
    ],
    [
      '{"src":"n2","dest":"n1","body":{"type":"read_ok","in_reply_to":[[1]]}}',
      'dropped reply from n2 to [[1]]: no request is waiting for it',
    ],
    [
      '{"src":"n2","dest":"n1","body":{"type":"read_ok","in_reply_to":"7"}}',
      'dropped reply from n2 to "7": no request is waiting for it',
    ],
  ])('%s', async (line, diagnostic) => {
    expect(await diagnostics([line])).toEqual([`line 1: ${diagnostic}`]);
  });

  it("are logged as the README's examples say", async () => {
    const bullet = /- \*\*Unanswerable lines are logged, not answered\.\*\*[\s\S]*?(?=\n- )/.exec(readme)?.[0] ?? '';
    const examples = [...bullet.replaceAll(/\n\s*/g, ' ').matchAll(/`(line \d+: [^`]+)`/g)].map(([, text]) => text);
    expect(examples).toHaveLength(3);
    // The first line is answered; the other three get the README's lines.
    const { stdout, stderr } = await runNode(
      [
        '{"src":"c1","dest":"n1","body":{"type":"list","msg_id":1}}',
        '[1,2]',
        '{"body":{"type":"list"}}',
        '{"src":"n2","dest":"n1","body":{"type":"read_ok","in_reply_to":7}}',
        '',
      ].join('\n'),
    );
    expect(stdout).toHaveLength(1);
    expect(stderr.split('\n').slice(0, -1)).toEqual(examples);
  });
});
