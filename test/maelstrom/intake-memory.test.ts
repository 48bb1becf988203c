/** A large line memory has no room for: refused by its head, with what is true of it. */
import { describe, expect, it } from 'vitest';
import { Intake, type Received } from '../../src/maelstrom/intake.js';
import { LARGE_LINE } from '../../src/maelstrom/limits.js';

const line = `{"src":"c1","dest":"n1","body":{"type":"create","msg_id":7,"initial_state":[${'1,'.repeat(LARGE_LINE / 2)}1]}}`;
const mib = Math.ceil(line.length / 2 ** 20);

/** What the intake makes of the line, given what memory has room for. */
function received(canParse: (size: number) => boolean, couldParse: (size: number) => boolean): Received[] {
  const intake = new Intake({
    maxLineBytes: 64 * 1024 * 1024,
    log: () => {},
    routeOf: () => undefined,
    isPeer: () => false,
    canParse,
    couldParse,
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
  it('is error 11, dropped unread, when there is no room before it is read', () => {
    expect(
      received(
        () => false,
        () => true,
      ),
    ).toEqual(refusal(11, 'for which memory has no room now, was dropped unread; try again later'));
  });

  it('is error 11, dropped part way through, when room runs out while it is read', () => {
    expect(
      received(
        (size) => size > 0,
        () => true,
      ),
    ).toEqual(refusal(11, 'for which memory has no room now, was dropped part way through; try again later'));
  });

  it('is error 12 when memory could never hold it', () => {
    expect(
      received(
        () => false,
        () => false,
      ),
    ).toEqual(refusal(12, 'more than memory could ever hold, was dropped unread'));
  });

  it('is read when there is room', () => {
    expect(
      received(
        () => true,
        () => true,
      ).map(({ kind }) => kind),
    ).toEqual(['request']);
  });
});
