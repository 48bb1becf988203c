/**
 * The README's Envelopes section, end to end: what a reply echoes of its request.
 */
import { describe, expect, it } from 'vitest';
import { message, replyLine } from '../support/messages.js';
import { runNode } from '../support/spawned-node.js';

describe('in_reply_to is the request msg_id unchanged', () => {
  const ids = [
    '0',
    '1',
    '-1',
    '-42',
    '9007199254740991',
    '9007199254740992',
    '9007199254740993',
    '-9007199254740993',
    '18446744073709551616',
    '123456789012345678901234567890',
    '-123456789012345678901234567890',
    '1e400',
  ];

  it.each(ids)('any integer: %s comes back digit for digit', async (id) => {
    const { stdout, stderr, code } = await runNode(`${message(`{"type":"list","msg_id":${id}}`)}\n`);
    expect(stdout).toEqual([replyLine(`{"type":"list_ok","in_reply_to":${id},"projections":[]}`)]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('an integer written with a fraction or exponent is the same integer', async () => {
    const { stdout } = await runNode(
      [
        message('{"type":"list","msg_id":1.0}'),
        message('{"type":"list","msg_id":1E2}'),
        message('{"type":"list","msg_id":12345678901234567890.0}'),
        '',
      ].join('\n'),
    );
    expect(stdout).toEqual([
      replyLine('{"type":"list_ok","in_reply_to":1,"projections":[]}'),
      replyLine('{"type":"list_ok","in_reply_to":100,"projections":[]}'),
      replyLine('{"type":"list_ok","in_reply_to":12345678901234567890.0,"projections":[]}'),
    ]);
  });

  it('a big msg_id of a write is echoed too, and the write is done', async () => {
    const id = '99999999999999999999';
    const { stdout } = await runNode(
      [
        message(`{"type":"create","msg_id":${id},"name":"p"}`),
        message(`{"type":"read","msg_id":-${id},"projection":"p"}`),
        '',
      ].join('\n'),
    );
    expect(stdout).toEqual([
      replyLine(`{"type":"projection_created","in_reply_to":${id},"name":"p","version":0}`),
      replyLine(`{"type":"read_ok","in_reply_to":-${id},"projection":"p","version":0,"state":[]}`),
    ]);
  });

  it('anything but an integer is error 12, and is still echoed', async () => {
    const ids = { '1.5': 'number', '0.10000000000000000001': 'number', '1e-400': 'number', '"7"': 'string' };
    const { stdout } = await runNode(
      Object.keys(ids)
        .map((id) => `${message(`{"type":"list","msg_id":${id}}`)}\n`)
        .join(''),
    );
    expect(stdout).toEqual(
      Object.entries(ids).map(([id, type]) =>
        replyLine(
          `{"type":"error","in_reply_to":${id},"code":12,"text":"list: body.msg_id must be an integer, got ${type}"}`,
        ),
      ),
    );
  });
});
