/** Requests the node cannot serve: unknown types, bad headers and envelopes, unanswerable lines, deep nesting. */
import { describe, expect, it } from 'vitest';
import { MAX_NESTING } from '../../src/maelstrom/limits.js';
import { withEcho } from '../support/echo.js';
import { exchange } from '../support/in-process-node.js';
import { bodies } from '../support/messages.js';

describe('requests the node cannot serve', () => {
  it('answers an unknown type with error 10 listing the supported types', async () => {
    const { out } = await exchange(['{"src":"c1","dest":"n1","body":{"type":"nope","msg_id":1}}'], withEcho);
    expect(out).toEqual([
      '{"src":"n1","dest":"c1","body":{"type":"error","in_reply_to":1,"code":10,"text":"unsupported message type \\"nope\\"; supported: init, echo"}}',
    ]);
  });

  it('repeats a type of more than 1024 characters in an error only by its start and length', async () => {
    const type = `${'t'.repeat(1024)}x`;
    const { out } = await exchange(
      [
        `{"src":"c1","dest":"n1","body":{"type":"${type}","msg_id":1}}`,
        `{"src":"c1","dest":"n1","body":{"type":"${type}","msg_id":"2"}}`,
        `{"src":"c1","dest":"n1","body":{"type":"${type.slice(1)}","msg_id":3}}`,
      ],
      withEcho,
    );
    const shown = `${'t'.repeat(120)}… (1025 characters)`;
    expect(bodies(out).map((body) => [body.in_reply_to, body.code, body.text])).toEqual([
      [1, 10, `unsupported message type "${shown}"; supported: init, echo`],
      ['2', 12, `${shown}: body.msg_id must be an integer, got string`],
      [3, 10, `unsupported message type "${type.slice(1)}"; supported: init, echo`],
    ]);
  });

  it('answers a missing or non-string type with 12 and an empty type with 10', async () => {
    const { out } = await exchange(
      [
        '{"src":"c1","dest":"n1","body":{"msg_id":1}}',
        '{"src":"c1","dest":"n1","body":{"type":5,"msg_id":2}}',
        '{"src":"c1","dest":"n1","body":{"type":null,"msg_id":3}}',
        '{"src":"c1","dest":"n1","body":{"type":"","msg_id":4}}',
      ],
      withEcho,
    );
    expect(bodies(out).map((body) => [body.in_reply_to, body.code, body.text])).toEqual([
      [1, 12, 'body.type is required'],
      [2, 12, 'body.type must be a string, got number'],
      [3, 12, 'body.type must be a string, got null'],
      [4, 10, 'unsupported message type ""; supported: init, echo'],
    ]);
  });

  it('echoes a msg_id of the wrong type unchanged as in_reply_to, with error 12', async () => {
    const { out } = await exchange(
      [
        '{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":"7"}}',
        '{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":1.5}}',
        '{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":{"a":[1]}}}',
        '{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":null}}',
        '{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":0.10000000000000000001}}',
      ],
      withEcho,
    );
    expect(out).toEqual([
      '{"src":"n1","dest":"c1","body":{"type":"error","in_reply_to":"7","code":12,"text":"echo: body.msg_id must be an integer, got string"}}',
      '{"src":"n1","dest":"c1","body":{"type":"error","in_reply_to":1.5,"code":12,"text":"echo: body.msg_id must be an integer, got number"}}',
      '{"src":"n1","dest":"c1","body":{"type":"error","in_reply_to":{"a":[1]},"code":12,"text":"echo: body.msg_id must be an integer, got object"}}',
      '{"src":"n1","dest":"c1","body":{"type":"error","in_reply_to":null,"code":12,"text":"echo: body.msg_id must be an integer, got null"}}',
      '{"src":"n1","dest":"c1","body":{"type":"error","in_reply_to":0.10000000000000000001,"code":12,"text":"echo: body.msg_id must be an integer, got number"}}',
    ]);
  });

  it('names a wrong envelope field and a wrong header field in one error', async () => {
    const { out } = await exchange(['{"src":"c1","body":{"type":5,"msg_id":1}}'], withEcho);
    expect(out).toEqual([
      '{"src":"","dest":"c1","body":{"type":"error","in_reply_to":1,"code":12,"text":"dest is required; body.type must be a string, got number"}}',
    ]);
  });

  it('answers a missing or non-string dest with 12 from an empty src', async () => {
    const { out } = await exchange(
      ['{"src":"c1","body":{"type":"echo","msg_id":1}}', '{"src":"c1","dest":2,"body":{"type":"echo","msg_id":2}}'],
      withEcho,
    );
    expect(out).toEqual([
      '{"src":"","dest":"c1","body":{"type":"error","in_reply_to":1,"code":12,"text":"echo: dest is required"}}',
      '{"src":"","dest":"c1","body":{"type":"error","in_reply_to":2,"code":12,"text":"echo: dest must be a string, got number"}}',
    ]);
  });

  it('does not answer a line without a usable src and body, and logs it once by line number', async () => {
    const unanswerable = [
      'not json',
      '{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":1}',
      '42',
      'null',
      '[{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":1}}]',
      '{"dest":"n1","body":{"type":"echo","msg_id":1}}',
      '{"src":7,"dest":"n1","body":{"type":"echo","msg_id":1}}',
      '{"src":"c1","dest":"n1"}',
      '{"src":"c1","dest":"n1","body":null}',
      '{"src":"c1","dest":"n1","body":[{"type":"echo"}]}',
      '{"src":"c1","dest":"n1","body":"echo"}',
    ];
    const { out, logs } = await exchange(
      [...unanswerable, '', '   ', '{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":99,"echo":"still here"}}'],
      withEcho,
    );
    expect(out).toEqual(['{"src":"n1","dest":"c1","body":{"type":"echo_ok","in_reply_to":99,"echo":"still here"}}']);
    // Blank lines are skipped silently; every other line is named once.
    expect(logs.map((line) => /^line (\d+): /.exec(line)?.[1])).toEqual(unanswerable.map((_, i) => String(i + 1)));
  });
});

describe('nesting', () => {
  const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
  // The envelope and the body are two levels, so echo's value may nest MAX_NESTING - 2 deep.
  const echoNesting = (depth: number, msgId = '1'): string =>
    `{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":${msgId},"echo":${nested(depth)}}}`;

  it(`accepts a message nesting exactly ${MAX_NESTING} levels and refuses one more with error 12`, async () => {
    const { out } = await exchange([echoNesting(MAX_NESTING - 2, '1'), echoNesting(MAX_NESTING - 1, '2')], withEcho);
    expect(out).toHaveLength(2);
    expect(out[0]).toBe(
      `{"src":"n1","dest":"c1","body":{"type":"echo_ok","in_reply_to":1,"echo":${nested(MAX_NESTING - 2)}}}`,
    );
    expect(out[1]).toBe(
      `{"src":"n1","dest":"c1","body":{"type":"error","in_reply_to":2,"code":12,"text":"echo: message nests deeper than ${MAX_NESTING} levels"}}`,
    );
  });

  it('refuses a message nesting 100,000 levels, in any field, and keeps serving', async () => {
    const deep = nested(100_000);
    const { out, logs } = await exchange(
      [
        echoNesting(100_000, '1'),
        // A msg_id that is itself too deep cannot be echoed.
        `{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":${deep}}}`,
        `{"src":"c1","dest":"n1","body":{"type":${deep},"msg_id":3}}`,
        // A reply that nests too deep is dropped like any reply nobody waits for.
        `{"src":"n2","dest":"n1","body":{"type":"echo_ok","in_reply_to":${deep}}}`,
        '{"src":"c1","dest":"n1","body":{"type":"echo","msg_id":5,"echo":"alive"}}',
      ],
      withEcho,
    );
    expect(bodies(out).map((body) => [body.type, body.in_reply_to, body.code])).toEqual([
      ['error', 1, 12],
      ['error', undefined, 12],
      ['error', 3, 12],
      ['echo_ok', 5, undefined],
    ]);
    expect(out[1]).toBe(
      '{"src":"n1","dest":"c1","body":{"type":"error","code":12,"text":"echo: message nests deeper than 1000 levels"}}',
    );
    expect(logs).toEqual(['line 4: dropped reply from n2: message nests deeper than 1000 levels']);
  });
});
