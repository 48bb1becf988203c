/**
 * Framing: lines that are not a JSON object, blank lines, a BOM, CRLF, bytes that are not
 * UTF-8, control bytes, and lines too long to read or long but whole.
 */
import { describe, expect, it } from 'vitest';
import {
  type Case,
  hostileCases,
  ignored,
  ok,
  SENTINEL_STATE,
  sentinelRead,
  stateIs,
  unanswerable,
} from '../../support/hostile-cases.js';
import { message, request } from '../../support/messages.js';
import { runNode } from '../../support/spawned-node.js';

const bytes = (...parts: (string | number[])[]): Buffer =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))));

/** 5 MiB of UTF-8 (14 bytes a repeat), with characters JSON must escape. */
const FIVE_MB = 'ab€"\\\u00e9\u{1F600}\n'.repeat(Math.ceil((5 * 1024 * 1024) / 14));

const CASES: readonly Case[] = [
  // Lines that are not a JSON object.
  { name: 'not JSON', line: () => 'hello, node', expect: unanswerable },
  { name: 'an opening brace only', line: () => '{', expect: unanswerable },
  { name: 'truncated JSON', line: request('{"type":"read","msg_id":#,"projection":"sentinel"'), expect: unanswerable },
  { name: 'a JSON number', line: () => '42', expect: unanswerable },
  { name: 'a JSON string', line: () => '"read"', expect: unanswerable },
  { name: 'a JSON boolean', line: () => 'true', expect: unanswerable },
  { name: 'null as the whole line', line: () => 'null', expect: unanswerable },
  { name: 'an empty array', line: () => '[]', expect: unanswerable },
  {
    name: 'an array holding a valid request',
    line: (id) => `[${request('{"type":"list","msg_id":#}')(id)}]`,
    expect: unanswerable,
  },
  { name: 'an empty object', line: () => '{}', expect: unanswerable },
  {
    name: 'two requests on one line',
    line: (id) => request('{"type":"list","msg_id":#}')(id).repeat(2),
    expect: unanswerable,
  },
  { name: 'trailing garbage', line: (id) => `${request('{"type":"list","msg_id":#}')(id)} x`, expect: unanswerable },
  { name: 'single quotes', line: () => "{'src':'c1','dest':'n1','body':{'type':'list'}}", expect: unanswerable },
  { name: 'NaN as a value', line: request('{"type":"list","msg_id":#,"x":NaN}'), expect: unanswerable },
  { name: 'a number with a leading zero', line: request('{"type":"list","msg_id":0#}'), expect: unanswerable },
  { name: 'an empty line', line: () => '', expect: ignored },
  { name: 'a whitespace-only line', line: () => ' \t  ', expect: ignored },

  // Bytes that are not text, or odd text.
  { name: 'NUL bytes', line: () => '\0\0\0\0', expect: unanswerable },
  {
    name: 'control bytes and an escape sequence',
    line: () => '\x01\x02\x07\x08\x1b[31mred\x1b[0m\x7f',
    expect: unanswerable,
  },
  {
    name: 'a raw NUL inside a JSON string',
    line: request('{"type":"read","msg_id":#,"projection":"sen\0tinel"}'),
    expect: unanswerable,
  },
  {
    name: 'a raw tab inside a JSON string',
    line: request('{"type":"read","msg_id":#,"projection":"sen\ttinel"}'),
    expect: unanswerable,
  },
  {
    name: 'a carriage return in mid-line',
    line: (id) => `${request('{"type":"list","msg_id":#}')(id)}\r{}`,
    expect: unanswerable,
  },
  {
    name: 'a UTF-8 BOM at the start of the line',
    line: (id) => `\uFEFF${sentinelRead(id)}`,
    expect: ok('read_ok', stateIs(SENTINEL_STATE)),
  },
  { name: 'a BOM in mid-line', line: (id) => message(`{"type":"list",\uFEFF"msg_id":${id}}`), expect: unanswerable },
  { name: 'a CRLF line ending', line: (id) => `${sentinelRead(id)}\r`, expect: ok('read_ok', stateIs(SENTINEL_STATE)) },
  { name: 'invalid UTF-8 outside strings', line: () => bytes([0xc3, 0x28, 0xff, 0xfe]), expect: unanswerable },
  {
    name: 'invalid UTF-8 inside a name is read as U+FFFD',
    line: (id) =>
      bytes(`{"src":"c1","dest":"n1","body":{"type":"create","msg_id":${id},"name":"bad`, [0xff, 0xc0, 0xaf], '"}}'),
    expect: ok('projection_created', ({ body }) => expect(body.name).toBe('bad\uFFFD\uFFFD\uFFFD')),
  },
  {
    name: 'a UTF-8 sequence cut by the end of the line',
    line: (id) => bytes(message(`{"type":"list","msg_id":${id}}`), [0xe2, 0x82]),
    expect: unanswerable,
  },

  // Long lines: a 5 MB line is read whole.
  {
    name: 'a 5 MB string inside an update',
    line: request(
      `{"type":"update","msg_id":#,"projection":"huge","event":{"event_type":"E","event_data":{"blob":${JSON.stringify(FIVE_MB)}}}}`,
    ),
    expect: ok('projection_updated', ({ body }) => expect(body.state).toEqual([{ blob: FIVE_MB }])),
  },
  {
    name: 'reading the 5 MB string back',
    line: request('{"type":"read","msg_id":#,"projection":"huge"}'),
    expect: ok('read_ok', ({ body }) => expect(body.state).toEqual([{ blob: FIVE_MB }])),
  },
];

hostileCases('framing', CASES, ['bad\uFFFD\uFFFD\uFFFD', 'huge']);

describe('a line over --max-line-bytes', () => {
  it('is dropped and named on stderr, and the lines around it are answered', async () => {
    const limit = 1000;
    /** A list request padded with an unknown field to exactly `size` bytes. */
    const padded = (id: number, size: number, unit = 'x'): string => {
      const bare = message(`{"type":"list","msg_id":${id},"pad":""}`);
      const room = size - Buffer.byteLength(bare);
      const pad = unit.repeat(Math.floor(room / Buffer.byteLength(unit))) + 'x'.repeat(room % Buffer.byteLength(unit));
      const line = message(`{"type":"list","msg_id":${id},"pad":"${pad}"}`);
      expect(Buffer.byteLength(line)).toBe(size);
      return line;
    };
    const result = await runNode(
      `${[
        padded(1, limit),
        padded(2, limit + 1),
        padded(3, 400 * 3, '€'), // 400 characters, 1200 bytes
        padded(4, 20 * limit),
        message('{"type":"list","msg_id":5}'),
      ].join('\n')}\n`,
      ['--max-line-bytes', String(limit)],
    );
    expect(result.code).toBe(0);
    // The head of each long line names its sender and msg_id, so it gets its one reply.
    const tooLong = `list: the message is longer than --max-line-bytes allows (${limit} bytes), and was dropped unread`;
    expect(
      result.stdout.map((raw) => (JSON.parse(raw) as { body: { type: string; in_reply_to: number } }).body),
    ).toEqual([
      { type: 'list_ok', in_reply_to: 1, projections: [] },
      { type: 'error', in_reply_to: 2, code: 12, text: tooLong },
      { type: 'error', in_reply_to: 3, code: 12, text: tooLong },
      { type: 'error', in_reply_to: 4, code: 12, text: tooLong },
      { type: 'list_ok', in_reply_to: 5, projections: [] },
    ]);
    expect(result.stderr).toBe(
      [2, 3, 4]
        .map((line) => `line ${line}: longer than --max-line-bytes (${limit}); dropped, and answered with error 12\n`)
        .join(''),
    );
  });
});
