/** A large line memory has no room for: refused by its head, with what is true of it. */
import { describe, expect, it } from 'vitest';
import { Intake, type Received } from '../../src/maelstrom/intake.js';
import { LARGE_LINE } from '../../src/maelstrom/limits.js';

const line = `{"src":"c1","dest":"n1","body":{"type":"create","msg_id":7,"initial_state":[${'1,'.repeat(LARGE_LINE / 2)}1]}}`;
const mib = Math.ceil(line.length / 2 ** 20);

/** Room for the line: none before it is read, none once its parse has begun, or enough. */
type Room = 'none' | 'none part way' | 'enough';

/** What the intake makes of the line, given the room memory has for it now and whether it could ever have room. */
function received(room: Room, ever: boolean): Received[] {
  const intake = new Intake({
    maxLineBytes: 64 * 1024 * 1024,
    log: () => {},
    routeOf: () => undefined,
    isPeer: () => false,
    // The parse asks with 0 as it goes.
    canParse: (size) => room === 'enough' || (room === 'none part way' && size > 0),
    couldParse: () => ever,
  });
  intake.push(Buffer.from(`${line}\n`));
  intake.end();
  const all: Received[] = [];
  while (intake.hasLines) {
    const one = intake.take();
    if (one) all.push(one);
  }
  return all;
}

const refusal = (code: number, text: string) => [
  { kind: 'refused', src: 'c1', dest: 'n1', msgId: 7, code, text: `create: a message of ${mib} MiB, ${text}` },
];

describe('a large line memory has no room for', () => {
  it.each([
    ['none', true, 11, 'for which memory has no room now, was dropped unread; try again later'],
    ['none part way', true, 11, 'for which memory has no room now, was dropped part way through; try again later'],
    ['none', false, 12, 'more than memory could ever hold, was dropped unread'],
  ] as const)('with room %s (ever: %s), is error %i', (room, ever, code, text) => {
    expect(received(room, ever)).toEqual(refusal(code, text));
  });

  it('is read when there is room', () => {
    expect(received('enough', true).map(({ kind }) => kind)).toEqual(['request']);
  });
});
