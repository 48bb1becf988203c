/** --dedup-window end to end: a redelivery older than the window, and the window across a restart. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataDirsRemovedAfterEach } from '../support/data-dirs.js';
import { bodies, message } from '../support/messages.js';
import { runNode } from '../support/spawned-node.js';
import { MAX_DEDUP_WINDOW } from '../../src/cli.js';

const dataDir = dataDirsRemovedAfterEach('projection-node-ids-');

const update = (msgId: number, eventId: string): string =>
  message(
    `{"type":"update","msg_id":${msgId},"projection":"p","event":{"event_type":"E","event_id":"${eventId}","event_data":{"${eventId}":${msgId}}}}`,
  );
const rebuild = (msgId: number, eventIds: readonly string[]): string =>
  message(
    `{"type":"rebuild","msg_id":${msgId},"projection":"p","events":[${eventIds
      .map((id) => `{"event_type":"E","event_id":"${id}","event_data":{"${id}":0}}`)
      .join(',')}]}`,
  );
const input = (...lines: string[]): string => `${lines.join('\n')}\n`;
/** Whether each reply says duplicate, and its version. */
const outcomes = (stdout: readonly string[]) =>
  bodies(stdout).map((body) => [body.duplicate === true ? 'duplicate' : 'applied', body.version]);

describe('--dedup-window N', () => {
  it('applies a redelivery older than the last N ids again, as a new event', async () => {
    const { stdout, code } = await runNode(
      input(update(1, 'e1'), update(2, 'e2'), update(3, 'e3'), update(4, 'e3'), update(5, 'e1'), update(6, 'e2')),
      ['--dedup-window', '2'],
    );
    expect(code).toBe(0);
    expect(outcomes(stdout)).toEqual([
      ['applied', 1],
      ['applied', 2],
      ['applied', 3],
      ['duplicate', 3],
      ['applied', 4],
      ['applied', 5],
    ]);
  });

  it('keeps the same ids in the same window order across restarts, from the log and from an image', async () => {
    const dir = dataDir();
    const args = ['--dedup-window', '2', '--data-dir', dir];
    // The rebuild is stored as an image, with its ids as digests; the update after it as itself.
    await runNode(input(rebuild(1, ['a', 'b', 'c']), update(2, 'd')), args);
    const log = readFileSync(join(dir, readdirSync(dir).find((file) => file.startsWith('log-')) ?? ''), 'latin1');
    expect(log).toMatch(/"ids":\{"key":"[A-Za-z0-9+/=]{24}","digests":"[A-Za-z0-9+/=]{44}"\}/);
    expect(log).not.toContain('"ids":["');
    // The update's record says the window its id was remembered under.
    expect(log).toMatch(
      /\{"op":"update","name":"p","at":\d+,"window":2,"event":\{"event_type":"E","event_data":\{"d":2\},"event_id":"d"\}\}/,
    );
    // c and d are held; c is a duplicate, and b, older than the window, comes back as new and pushes out c.
    const first = await runNode(input(update(3, 'c'), update(4, 'd'), update(5, 'b')), args);
    expect(outcomes(first.stdout)).toEqual([
      ['duplicate', 4],
      ['duplicate', 4],
      ['applied', 5],
    ]);
    const second = await runNode(input(update(6, 'c'), update(7, 'b'), update(8, 'd')), args);
    // d and b are held: c is new again and pushes out d, which is then new again too.
    expect(outcomes(second.stdout)).toEqual([
      ['applied', 6],
      ['duplicate', 6],
      ['applied', 7],
    ]);
  });

  it('keeps an id applied again across a restart with a larger window or none: versions are never reused, and what the old window let go stays forgotten', async () => {
    const dir = dataDir();
    // e1 has left the window of 2 when it comes again, so it is applied again, as version 4.
    const written = await runNode(input(update(1, 'e1'), update(2, 'e2'), update(3, 'e3'), update(4, 'e1')), [
      '--dedup-window',
      '2',
      '--data-dir',
      dir,
    ]);
    expect(outcomes(written.stdout).at(-1)).toEqual(['applied', 4]);
    for (const args of [['--dedup-window', '3'], []]) {
      const { stdout } = await runNode(input(message('{"type":"read","msg_id":5,"projection":"p"}')), [
        ...args,
        '--data-dir',
        dir,
      ]);
      expect(bodies(stdout)[0]).toMatchObject({ version: 4, state: [{ e1: 1 }, { e2: 2 }, { e3: 3 }, { e1: 4 }] });
    }
    // e2 had left the window of 2, and stays forgotten under a larger window: applied again. e1, held, is a duplicate.
    const larger = await runNode(input(update(6, 'e2'), update(7, 'e1')), ['--dedup-window', '3', '--data-dir', dir]);
    expect(outcomes(larger.stdout)).toEqual([
      ['applied', 5],
      ['duplicate', 5],
    ]);
  });

  it("is in the README's Command line table with its maximum", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(
      `| \`--dedup-window N\` | none: every id | remember only the last N event ids of each projection; a redelivery older than them is applied again`,
    );
    expect(readme).toContain(`N is at most ${MAX_DEDUP_WINDOW}, the most ids whose digests fit in one record`);
  });

  it('remembers every id without the flag', async () => {
    const dir = dataDir();
    const ids = Array.from({ length: 50 }, (_, n) => `e${n}`);
    await runNode(input(rebuild(1, ids)), ['--data-dir', dir]);
    const { stdout } = await runNode(input(update(2, 'e0'), update(3, 'e49'), update(4, 'e50')), ['--data-dir', dir]);
    expect(outcomes(stdout)).toEqual([
      ['duplicate', 50],
      ['duplicate', 50],
      ['applied', 51],
    ]);
  });
});
