/**
 * The README's Errors section: an error text starts with the message type, for a fault
 * in the envelope as for one in the body's own fields; only a body without a usable
 * type, and error 10, which names the type it does not know, start otherwise.
 */
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Node } from '../../src/maelstrom/node.js';
import { serveProjections } from '../../src/serve.js';

interface ErrorReply {
  readonly code: number;
  readonly text: string;
}

/** Runs `line` through a fresh node serving projections; returns the error replies it got. */
async function errorsFor(line: string): Promise<ErrorReply[]> {
  const input = new PassThrough();
  const output = new PassThrough();
  const node = new Node({ input, output, log: () => {} });
  serveProjections(node, { rpcTimeoutMs: 1000 });
  let text = '';
  output.setEncoding('utf8');
  output.on('data', (chunk: string) => (text += chunk));
  const running = node.run();
  input.end(`${line}\n`);
  await running;
  return text
    .split('\n')
    .filter((reply) => reply !== '')
    .map((reply) => (JSON.parse(reply) as { body: { type: string } & ErrorReply }).body)
    .filter((body) => body.type === 'error')
    .map(({ code, text }) => ({ code, text }));
}

const deep = '['.repeat(1001) + ']'.repeat(1001);
/** The line for a test's title, with the deep value named rather than written out. */
const title = (line: string): string => line.replaceAll(deep, '<1001 levels>');

describe('error texts', () => {
  it.each(
    (
      [
        ['{"src":"c1","body":{"type":"list","msg_id":1}}', 'list: dest is required'],
        [
          '{"src":"c1","dest":7,"body":{"type":"read","msg_id":1,"projection":"p"}}',
          'read: dest must be a string, got number',
        ],
        [
          '{"src":"c1","dest":"n1","body":{"type":"list","msg_id":"1"}}',
          'list: body.msg_id must be an integer, got string',
        ],
        [
          '{"src":"c1","body":{"type":"list","msg_id":1.5}}',
          'list: dest is required; body.msg_id must be an integer, got number',
        ],
        [
          `{"src":"c1","dest":"n1","body":{"type":"update","msg_id":1,"projection":"p","event":{"event_type":"E","event_data":${deep}}}}`,
          'update: message nests deeper than 1000 levels',
        ],
        [
          `{"src":"c1","dest":"n1","body":{"type":"list","msg_id":${deep}}}`,
          'list: message nests deeper than 1000 levels',
        ],
        // An unknown type is named too, in the envelope's errors as in error 10's text.
        ['{"src":"c1","body":{"type":"cas","msg_id":1}}', 'cas: dest is required'],
      ] as [string, string][]
    ).map(([line, text]) => ({ name: title(line), line, text })),
  )('start with the type for a fault in the envelope: $name', async ({ line, text }) => {
    expect(await errorsFor(line)).toEqual([{ code: 12, text }]);
  });

  it.each(
    (
      [
        ['{"src":"c1","dest":"n1","body":{"msg_id":1}}', 12, 'body.type is required'],
        ['{"src":"c1","body":{"type":5,"msg_id":1}}', 12, 'dest is required; body.type must be a string, got number'],
        ['{"src":"c1","body":{"type":"","msg_id":1}}', 12, 'dest is required'],
        [`{"src":"c1","dest":"n1","body":{"type":${deep},"msg_id":1}}`, 12, 'message nests deeper than 1000 levels'],
        [
          '{"src":"c1","dest":"n1","body":{"type":"cas","msg_id":1}}',
          10,
          'unsupported message type "cas"; supported: init, create, update, rebuild, read, query, list, delete, describe, stats',
        ],
      ] as [string, number, string][]
    ).map(([line, code, text]) => ({ name: title(line), line, code, text })),
  )('start with what is wrong when there is no type to name, and for error 10: $name', async ({ line, code, text }) => {
    expect(await errorsFor(line)).toEqual([{ code, text }]);
  });

  it('start with the type of any request with a type, whatever is wrong with it', async () => {
    const type = fc.constantFrom('init', 'create', 'update', 'rebuild', 'read', 'list', 'delete', 'forward', 'cas');
    const anything = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined));
    const body = fc.record(
      {
        type,
        msg_id: fc.oneof(fc.integer(), anything),
        name: fc.oneof(fc.constantFrom('p', ''), anything),
        projection: fc.oneof(fc.constantFrom('p', ''), anything),
        event: fc.oneof(fc.record({ event_type: fc.constantFrom('E', 7), event_data: anything }), anything),
        events: anything,
        node_id: anything,
        node_ids: anything,
        expected_version: anything,
        deep: fc.constantFrom(undefined, undefined, undefined, JSON.parse(deep) as unknown),
      },
      { requiredKeys: ['type'] },
    );
    const envelope = fc.record({
      src: fc.constant('c1'),
      dest: fc.oneof(fc.constant('n1'), anything),
      body,
    });
    await fc.assert(
      fc.asyncProperty(envelope, async (message) => {
        for (const { code, text } of await errorsFor(JSON.stringify(message))) {
          if (code !== 10) expect(text.startsWith(`${message.body.type}: `), text).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
