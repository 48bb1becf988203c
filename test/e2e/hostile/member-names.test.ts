/**
 * Member names: V8 hashes a name of 16,384 characters or more by its length alone, so a name
 * longer than 16,383 characters is refused before it is made a key, on every path a line
 * takes: parsed whole, parsed watching memory (1 MiB or more), and streamed (a rebuild's events).
 */
import { describe, expect, it } from 'vitest';
import { MAX_MEMBER_NAME_LENGTH } from '../../../src/json/value.js';
import { bodies, message } from '../../support/messages.js';
import { runNode } from '../../support/spawned-node.js';

/** A name of `length` characters that ends in `i`: names of one length differ only at the end. */
const name = (length: number, i = 0): string => `${'n'.repeat(length - String(i).length)}${i}`;
const longest = name(MAX_MEMBER_NAME_LENGTH);
const refused = `message has a member name longer than ${MAX_MEMBER_NAME_LENGTH} characters`;

describe('a member name longer than 16,383 characters', () => {
  it('is refused with error 12 on each path, and nothing changes', async () => {
    // 80 names of one length: a line of 1.3 MB, parsed watching memory.
    const manyNames = JSON.stringify(
      Object.fromEntries(Array.from({ length: 80 }, (_, i) => [name(MAX_MEMBER_NAME_LENGTH + 1, i), i])),
    );
    // 200 events of 1 KB before the bad one: a line over 64 KiB, whose events stream.
    const events = Array.from({ length: 200 }, (_, i) => ({
      event_type: 'E',
      event_data: { id: i, pad: 'x'.repeat(1000) },
    }));
    const streamed = [...events, { event_type: 'E', event_data: { [name(MAX_MEMBER_NAME_LENGTH + 1)]: 1 } }, ...events];
    const result = await runNode(
      `${[
        message('{"type":"create","msg_id":1,"name":"p","initial_state":{}}'),
        message(
          `{"type":"update","msg_id":2,"projection":"p","event":{"event_type":"E","event_data":{"${longest}":1}}}`,
        ),
        message(
          `{"type":"update","msg_id":3,"projection":"p","event":{"event_type":"E","event_data":{"a":{"${longest}x":1}}}}`,
        ),
        message(`{"type":"create","msg_id":4,"name":"q","initial_state":${manyNames}}`),
        message(JSON.stringify({ type: 'rebuild', msg_id: 5, projection: 'p', events: streamed })),
        // Names of one length, one per line: none of them is ever made a key.
        ...Array.from({ length: 20 }, (_, i) =>
          message(
            `{"type":"update","msg_id":${6 + i},"projection":"p","event":{"event_type":"E","event_data":{"${name(MAX_MEMBER_NAME_LENGTH + 1, i)}":1}}}`,
          ),
        ),
        message('{"type":"list","msg_id":26}'),
      ].join('\n')}\n`,
    );
    expect(result.stdout.length).toBe(26);
    const [created, accepted, ...rest] = bodies(result.stdout);
    expect(created).toEqual({ type: 'projection_created', in_reply_to: 1, name: 'p', version: 0 });
    // The longest name a member may have is taken, and comes back.
    expect(accepted).toEqual({
      type: 'projection_updated',
      in_reply_to: 2,
      projection: 'p',
      version: 1,
      state: { [longest]: 1 },
    });
    expect(rest).toEqual([
      { type: 'error', in_reply_to: 3, code: 12, text: `update: ${refused}` },
      { type: 'error', in_reply_to: 4, code: 12, text: `create: ${refused}` },
      { type: 'error', in_reply_to: 5, code: 12, text: `rebuild: ${refused}` },
      ...Array.from({ length: 20 }, (_, i) => ({
        type: 'error',
        in_reply_to: 6 + i,
        code: 12,
        text: `update: ${refused}`,
      })),
      { type: 'list_ok', in_reply_to: 26, projections: [{ name: 'p', version: 1 }] },
    ]);
    expect(result.stderr).toContain(
      `line 4: a message with a member name longer than ${MAX_MEMBER_NAME_LENGTH} characters; dropped, and answered with error 12`,
    );
  });

  it('typed as a bare body, is not wrapped, and gets only its line on stderr', async () => {
    const result = await runNode(`{"type":"create","name":"p","initial_state":{"${longest}x":1}}\n{"type":"list"}\n`, [
      '--interactive',
    ]);
    // One reply, indented as --interactive writes it: the list's, numbered 1 as the first body wrapped.
    expect(JSON.parse(result.stdout.join('\n')).body).toEqual({ type: 'list_ok', in_reply_to: 1, projections: [] });
    expect(result.stderr).toContain(
      `line 1: a message with a member name longer than ${MAX_MEMBER_NAME_LENGTH} characters; dropped`,
    );
  });
});
