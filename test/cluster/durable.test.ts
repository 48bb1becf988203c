/** A cluster on a data directory: a SIGKILLed and restarted owner serves its projections at their versions. */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ownerOf } from '../../src/cluster/rendezvous.js';
import { startCluster } from './network.js';

const dataDir = mkdtempSync(join(tmpdir(), 'projection-node-cluster-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('a 3-node cluster with --data-dir', () => {
  it('serves every projection of a killed and restarted owner again, at its acknowledged version', async () => {
    const net = await startCluster(3, { dataDir, rpcTimeoutMs: 2000 });
    try {
      const c1 = net.client('c1');
      const names = ['orders', 'users', 'stock', 'carts', 'prices', 'audit'];
      const versions = new Map<string, number>();
      for (const [index, name] of names.entries()) {
        const via = net.nodeIds[index % 3] as string;
        await c1.request(via, { type: 'create', name, initial_state: [], handlers: { added: 'append' }, key: 'sku' });
        for (let n = 1; n <= 5 + index; n++) {
          const reply = await c1.request(net.nodeIds[n % 3] as string, {
            type: 'update',
            projection: name,
            event: { event_type: n % 2 === 0 ? 'added' : 'E', event_id: `${name}-${n}`, event_data: { sku: n % 3, n } },
          });
          versions.set(name, reply.version as number);
        }
      }
      const owner = ownerOf('orders', net.nodeIds) as string;
      const owned = names.filter((name) => ownerOf(name, net.nodeIds) === owner);
      await net.restart(owner);

      for (const name of names) {
        for (const via of net.nodeIds) {
          const reply = await c1.request(via, { type: 'read', projection: name });
          expect(reply, `${name} via ${via}`).toMatchObject({ type: 'read_ok', version: versions.get(name) });
        }
      }
      // The definition came back too: the key and the append op, and the remembered event ids.
      const redelivered = await c1.request(owner, {
        type: 'update',
        projection: 'orders',
        event: { event_type: 'added', event_id: 'orders-2', event_data: { sku: 2, n: 2 } },
      });
      expect(redelivered).toMatchObject({ version: versions.get('orders'), duplicate: true });
      expect(owned.length).toBeGreaterThan(0);
      expect(readdirSync(dataDir).sort()).toEqual(['n1', 'n2', 'n3']);
    } finally {
      await net.stop();
    }
  });
});
