/** A single node answers the same with an init of one node as without init. */
import { describe, expect, it } from 'vitest';
import { type Body, parseEnvelope } from './envelope.js';
import { added, clustersStoppedAfterEach, createLog } from './fixtures.js';
import type { Cluster } from './network.js';

const cluster = clustersStoppedAfterEach();

describe('a single node', () => {
  it('answers the same with an init of one node as without init, from its node id', async () => {
    const session: Body[] = [
      createLog('solo'),
      added('solo', 'a'),
      added('solo', 'b'),
      { type: 'read', projection: 'solo' },
      { type: 'list' },
      { type: 'read', projection: 'ghost' },
    ];
    const run = async (net: Cluster): Promise<string[]> => {
      const lines: string[] = [];
      for (const body of session) lines.push((await net.client('c1').send('n1', body).reply).line);
      return lines;
    };
    const initialized = await cluster(1);
    const bare = await cluster(1, { init: false });
    const [withInit, withoutInit] = await Promise.all([run(initialized), run(bare)]);

    expect(withInit).toEqual(withoutInit);
    expect(withInit.map((line) => parseEnvelope(line).src)).toEqual(session.map(() => 'n1'));
    expect(parseEnvelope(withInit[2] as string).body).toMatchObject({ version: 2, state: [{ id: 'a' }, { id: 'b' }] });
    expect(initialized.log).toEqual([]);
    expect(bare.log).toEqual([]);
  });
});
