/** Keys and event ids: compared as JSON values, and never slowed by their length. */
import { describe, expect, it } from 'vitest';
import { bodies, message } from '../../support/messages.js';
import { runNode } from '../../support/spawned-node.js';

const update = (msgId: number, eventData: string, eventId?: string): string =>
  message(
    `{"type":"update","msg_id":${msgId},"projection":"p","event":{"event_type":"E",${eventId === undefined ? '' : `"event_id":${eventId},`}"event_data":${eventData}}}`,
  );

describe('a composite key', () => {
  it('matches the same JSON value written another way', async () => {
    const result = await runNode(
      `${[
        update(1, '{"id":{"a":1,"b":2},"n":1}'),
        update(2, '{"id":{"b":2,"a":1.0},"n":2}'),
        update(3, '{"id":[1e400],"n":3}'),
        update(4, '{"id":[10e399],"n":4}'),
        update(5, '{"id":[1],"n":5}'),
        update(6, '{"id":[1.0],"n":6}'),
      ].join('\n')}\n`,
    );
    const replies = bodies(result.stdout);
    expect(replies.map(({ version, duplicate }) => [version, duplicate])).toEqual([
      [1, undefined],
      [2, undefined],
      [3, undefined],
      [4, undefined],
      [5, undefined],
      [6, undefined],
    ]);
    // A merge writes every field it carries, the key too, as it was written this time.
    expect(result.stdout.at(-1)).toContain(
      '"state":[{"id":{"b":2,"a":1},"n":2},{"id":[10e399],"n":4},{"id":[1],"n":6}]',
    );
  });
});

describe('long keys and event ids', () => {
  it('find their own element and event at and around 16,384 characters', async () => {
    const long = (length: number, tail: string): string => JSON.stringify('k'.repeat(length - tail.length) + tail);
    const lines: string[] = [];
    let msgId = 0;
    for (const length of [16_383, 16_384, 16_385]) {
      for (const tail of ['a', 'b'])
        lines.push(update(++msgId, `{"id":${long(length, tail)},"v":0}`, long(length, tail)));
    }
    for (const length of [16_383, 16_384, 16_385]) {
      for (const tail of ['a', 'b'])
        lines.push(update(++msgId, `{"id":${long(length, tail)},"v":1}`, long(length, tail)));
      lines.push(update(++msgId, `{"id":${long(length, 'b')},"v":2}`));
    }
    const result = await runNode(`${lines.join('\n')}\n`);
    const replies = bodies(result.stdout);
    expect(replies.map(({ version, duplicate }) => `${String(version)}${duplicate ? 'd' : ''}`)).toEqual([
      ...['1', '2', '3', '4', '5', '6'],
      ...['6d', '6d', '7', '7d', '7d', '8', '8d', '8d', '9'],
    ]);
    const state = replies.at(-1)?.state as { id: string; v: number }[];
    expect(state.map(({ id, v }) => [id.length, id.at(-1), v])).toEqual([
      [16_383, 'a', 0],
      [16_383, 'b', 2],
      [16_384, 'a', 0],
      [16_384, 'b', 2],
      [16_385, 'a', 0],
      [16_385, 'b', 2],
    ]);
  });
});
