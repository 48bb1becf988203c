/** Declared indexes are part of a projection's definition: the journal keeps them, and a restart has them. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeChange, replay } from '../../src/durable/records.js';
import type { ArrayState } from '../../src/projections/array-state.js';
import { ProjectionStore } from '../../src/projections/store.js';
import { StateJsonCache } from '../../src/state-json/state-json.js';
import { bodies, message } from '../support/messages.js';
import { runNode } from '../support/spawned-node.js';

const definition = { key: 'id', eventOps: new Map(), indexes: ['email'] };

describe('the records of a projection with indexes', () => {
  it('carry the indexes, and replaying them gives the indexes back, kept up to date', () => {
    const store = new ProjectionStore({ clock: () => 1 });
    const json = new StateJsonCache();
    const projection = store.create('p', [{ id: 1, email: 'a' }], definition);
    const create = encodeChange({ op: 'create', projection });
    expect(create).toBe(
      '{"op":"create","name":"p","initial_state":[{"id":1,"email":"a"}],"handlers":{},"key":"id","indexes":["email"],"at":1}',
    );
    store.update('p', { event_type: 'E', event_data: { id: 1, email: 'b' } });
    const image = encodeChange({ op: 'image', projection, state: json.of(projection).json() });

    for (const records of [
      [create, '{"op":"update","name":"p","event":{"event_type":"E","event_data":{"id":1,"email":"b"}}}'],
      [image],
    ]) {
      const restored = new ProjectionStore();
      for (const record of records) replay(restored, record);
      const state = restored.read('p').state as ArrayState;
      expect(restored.read('p').definition.indexes).toEqual(['email']);
      expect(state.slotsWith('email', 'b')).toEqual([0]);
      expect(state.slotsWith('email', 'a')).toEqual([]);
    }
  });

  it('carry no indexes field for a projection without indexes, and such records load with none', () => {
    const store = new ProjectionStore({ clock: () => 1 });
    const record = encodeChange({
      op: 'create',
      projection: store.create('p', [], { key: 'id', eventOps: new Map() }),
    });
    expect(record).toBe('{"op":"create","name":"p","initial_state":[],"handlers":{},"key":"id","at":1}');
    const restored = new ProjectionStore();
    replay(restored, record);
    expect(restored.read('p').definition.indexes).toEqual([]);
    expect((restored.read('p').state as ArrayState).slotsWith('email', 'a')).toBeUndefined();
  });
});

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('--data-dir and indexes', () => {
  it('a restarted node answers queries on an indexed field as before', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'projection-node-indexes-'));
    dirs.push(dir);
    const lines = (...bodyTexts: string[]): string => `${bodyTexts.map(message).join('\n')}\n`;
    await runNode(
      lines(
        '{"type":"create","msg_id":1,"name":"p","indexes":["email"]}',
        '{"type":"update","msg_id":2,"projection":"p","event":{"event_type":"E","event_data":{"id":1,"email":"a"}}}',
        '{"type":"update","msg_id":3,"projection":"p","event":{"event_type":"E","event_data":{"id":1,"email":"b"}}}',
      ),
      ['--data-dir', dir],
    );
    const { stdout } = await runNode(
      lines(
        '{"type":"query","msg_id":4,"projection":"p","where":{"email":"b"}}',
        '{"type":"query","msg_id":5,"projection":"p","where":{"email":"a"}}',
      ),
      ['--data-dir', dir],
    );
    expect(bodies(stdout).map(({ total, items }) => ({ total, items }))).toEqual([
      { total: 1, items: [{ id: 1, email: 'b' }] },
      { total: 0, items: [] },
    ]);
  });
});
