/**
 * With --data-dir, a projection is written whole, as one record (its image), after each rebuild
 * and in each snapshot, and a record is read back as one string: a write after which the image,
 * or its own record, would pass the longest record is refused before it changes anything.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Journal } from '../../src/durable/journal.js';
import {
  definitionLength,
  encodeChange,
  imageLength,
  MAX_RECORD_CHARS,
  updateLength,
} from '../../src/durable/records.js';
import { stringifyJson } from '../../src/json/stringify.js';
import { ProjectionStore } from '../../src/projections/store.js';
import { StateJsonCache } from '../../src/state-json/state-json.js';
import { serveProjections } from '../../src/serve.js';
import { type FileSystem, nodeFileSystem } from '../../src/storage/index.js';
import { dataDirsRemovedAfterEach } from '../support/data-dirs.js';
import { exchange, start } from '../support/in-process-node.js';
import { bodies, type ReplyBody, requestLines } from '../support/messages.js';

const dataDir = dataDirsRemovedAfterEach('projection-node-records-');

interface Options {
  readonly dataDir?: string;
  readonly maxRecordChars?: number;
  readonly maxStateJson?: number;
  readonly fs?: FileSystem;
  readonly log?: (line: string) => void;
}

/** The replies of an in-process node, on a data directory if given, its directory closed after. */
async function run(requests: readonly object[], options: Options): Promise<ReplyBody[]> {
  let journal: Journal | undefined;
  const fatal = (message: string): never => {
    throw new Error(message);
  };
  const { dataDir, maxRecordChars, maxStateJson, fs, log = () => {} } = options;
  const { out } = await exchange(requestLines(requests), (node) => {
    journal = serveProjections(node, {
      rpcTimeoutMs: 1000,
      ...(maxStateJson === undefined ? {} : { maxStateJson }),
      ...(dataDir === undefined
        ? {}
        : { durable: { dataDir, log, fatal, ...(maxRecordChars ? { maxRecordChars } : {}), ...(fs ? { fs } : {}) } }),
    });
  });
  journal?.close();
  return bodies(out);
}

const LIMIT = 4000;
const tooLong = (type: string) => ({
  type: 'error',
  code: 12,
  text: `${type}: the projection's record in the data directory (its initial state, state and event ids together) would be longer than ${LIMIT} characters`,
});
const update = (data: unknown, eventId?: string) => ({
  type: 'update',
  projection: 'p',
  event: { event_type: 'E', event_data: data, ...(eventId === undefined ? {} : { event_id: eventId }) },
});
const read = { type: 'read', projection: 'p' };

describe('the longest record of the data directory', () => {
  it('is V8’s longest string less a mebibyte', () => {
    expect(MAX_RECORD_CHARS).toBe(2 ** 29 - 2 ** 20);
  });

  it('is measured from above: no image or update record is longer than its reckoned length', () => {
    const json = fc.jsonValue({ maxDepth: 3 });
    const name = fc.string({ unit: 'binary', minLength: 1, maxLength: 20 });
    const event = fc.record({ event_type: fc.string(), event_data: json, event_id: fc.option(fc.string()) });
    fc.assert(
      fc.property(name, json, fc.array(event, { maxLength: 40 }), fc.nat(), (projectionName, initial, events, at) => {
        const store = new ProjectionStore({ clock: () => at });
        const projection = store.create(projectionName, initial, {
          key: 'id',
          eventOps: new Map([['R', 'replace']]),
          indexes: ['x'],
        });
        for (const { event_id, ...rest } of events) {
          const change = event_id === null ? rest : { ...rest, event_id };
          try {
            store.update(projectionName, change);
          } catch {
            // An event the state cannot take changes nothing.
          }
          const record = encodeChange({ op: 'update', name: projectionName, at, event: change, window: 16_777_216 });
          expect(record.length).toBeLessThanOrEqual(updateLength(projectionName, stringifyJson(change).length));
        }
        const state = new StateJsonCache().of(projection);
        const image = encodeChange({ op: 'image', projection, state: state.json() });
        const definition = definitionLength(projectionName, projection.definition, stringifyJson(initial).length);
        expect(image.length).toBeLessThanOrEqual(imageLength(definition, state.length(), projection.eventIdCount()));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses an update whose image would pass it, counting the initial state, and changes nothing', async () => {
    const dir = dataDir();
    const requests = [
      { type: 'create', name: 'p', initial_state: [{ id: 0, pad: 'i'.repeat(1000) }] },
      update({ id: 1, pad: 'a'.repeat(1000) }),
      // The image would hold the initial state twice and this state: about 4,100 characters.
      update({ id: 2, pad: 'b'.repeat(1000) }),
      read,
    ];
    const replies = await run(requests, { dataDir: dir, maxRecordChars: LIMIT });
    expect(replies.map(({ type, version }) => [type, version])).toEqual([
      ['projection_created', 0],
      ['projection_updated', 1],
      ['error', undefined],
      ['read_ok', 1],
    ]);
    expect(replies[2]).toMatchObject(tooLong('update'));
    // What was taken is there after a restart.
    expect((await run([read], { dataDir: dir, maxRecordChars: LIMIT }))[0]).toMatchObject({ version: 1 });
    // Without a data directory there are no records, and so no such limit.
    expect((await run(requests, { maxRecordChars: LIMIT })).map(({ type }) => type)).toEqual([
      'projection_created',
      'projection_updated',
      'projection_updated',
      'read_ok',
    ]);
  });

  it('counts the event ids an image holds, about 21 characters each', async () => {
    // Each update leaves the state {"n":…}: only the ids grow.
    const updates = Array.from({ length: 200 }, (_, i) => update({ n: i }, `e${i}`));
    const create = { type: 'create', name: 'p', initial_state: {} };
    const replies = await run([create, ...updates, read], { dataDir: dataDir(), maxRecordChars: LIMIT });
    const refused = replies.findIndex(({ type }) => type === 'error');
    // 4,000 characters hold the definition, the state and about 175 digests.
    expect(refused).toBeGreaterThan(170);
    expect(refused).toBeLessThan(180);
    expect(replies[refused]).toMatchObject(tooLong('update'));
    expect(replies.at(-1)).toMatchObject({ type: 'read_ok', version: refused - 1 });
  });

  it('answers a redelivery as a duplicate, however full the record or the state is', async () => {
    const create = { type: 'create', name: 'p', initial_state: {} };
    const updates = Array.from({ length: 200 }, (_, i) => update({ n: i }, `e${i}`));
    const durable = await run([create, ...updates, update({ n: 0 }, 'e5')], {
      dataDir: dataDir(),
      maxRecordChars: LIMIT,
    });
    expect(durable.at(-2)).toMatchObject(tooLong('update'));
    expect(durable.at(-1)).toMatchObject({ type: 'projection_updated', duplicate: true });
    const full = { id: 1, pad: 'f'.repeat(150) };
    const inMemory = await run([update(full, 'once'), update(full, 'once')], { maxStateJson: 200 });
    expect(inMemory.map(({ version, duplicate }) => [version, duplicate])).toEqual([
      [1, undefined],
      [1, true],
    ]);
  });

  it('refuses a rebuild whose result would pass it, read whole or streamed, and keeps the old state', async () => {
    const dir = dataDir();
    const events = (count: number, pad: number) =>
      Array.from({ length: count }, (_, i) => ({ event_type: 'E', event_data: { id: i, pad: 'r'.repeat(pad) } }));
    const replies = await run(
      [
        update({ id: 'kept' }),
        { type: 'rebuild', projection: 'p', events: events(5, 1000) },
        // Over 64 KiB: its events stream in, and are applied as they come.
        { type: 'rebuild', projection: 'p', events: events(100, 1000) },
        { type: 'rebuild', projection: 'p', events: events(3, 1000) },
        read,
      ],
      { dataDir: dir, maxRecordChars: LIMIT },
    );
    expect(replies.slice(1, 3)).toMatchObject([tooLong('rebuild'), tooLong('rebuild')]);
    expect(replies[3]).toMatchObject({ type: 'projection_rebuilt', version: 3 });
    expect(replies[4]).toMatchObject({ type: 'read_ok', version: 3 });
    expect((await run([read], { dataDir: dir, maxRecordChars: LIMIT }))[0]).toMatchObject({ version: 3 });
  });

  it('refuses a create whose initial state, held twice in its image, would pass it', async () => {
    const replies = await run(
      [
        { type: 'create', name: 'p', initial_state: { pad: 'c'.repeat(2100) } },
        { type: 'create', name: 'p', initial_state: { pad: 'c'.repeat(1800) } },
        { type: 'list' },
      ],
      { dataDir: dataDir(), maxRecordChars: LIMIT },
    );
    expect(replies[0]).toMatchObject(tooLong('create'));
    expect(replies[1]).toMatchObject({ type: 'projection_created' });
    expect(replies[2]).toMatchObject({ projections: [{ name: 'p', version: 0 }] });
  });
});

describe('the longest state', () => {
  it('does not refuse an event that leaves the state no longer: replace counts what it makes, remove and ignore nothing', async () => {
    const replies = await run(
      [
        {
          type: 'create',
          name: 'p',
          initial_state: [{ id: 1, pad: 'x'.repeat(150) }],
          handlers: { R: 'replace', D: 'remove', I: 'ignore' },
        },
        { type: 'update', projection: 'p', event: { event_type: 'I', event_data: 'i'.repeat(300) } },
        { type: 'update', projection: 'p', event: { event_type: 'D', event_data: { id: 1, pad: 'y'.repeat(150) } } },
        { type: 'update', projection: 'p', event: { event_type: 'R', event_data: [{ id: 2 }] } },
        update({ id: 3, pad: 'z'.repeat(200) }),
      ],
      { maxStateJson: 200 },
    );
    expect(replies.map(({ type, version }) => [type, version])).toEqual([
      ['projection_created', 0],
      ['projection_updated', 1],
      ['projection_updated', 2],
      ['projection_updated', 3],
      ['error', undefined],
    ]);
    expect(replies[3]).toMatchObject({ state: [{ id: 2 }] });
  });
});

/** The real file system, but with no room for a snapshot: each write to a new one fails, and is counted. */
function fullForSnapshots(): FileSystem & { readonly tries: () => number } {
  const snapshots = new Set<number>();
  let tries = 0;
  return {
    ...nodeFileSystem,
    open(path, mode) {
      const fd = nodeFileSystem.open(path, mode);
      if (/snapshot-\d+\.pnr\.tmp$/.test(path)) {
        snapshots.add(fd);
        tries++;
      }
      return fd;
    },
    close(fd) {
      snapshots.delete(fd);
      nodeFileSystem.close(fd);
    },
    writev(fd, buffers, position) {
      if (snapshots.has(fd))
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return nodeFileSystem.writev(fd, buffers, position);
    },
    tries: () => tries,
  };
}

describe('a snapshot that cannot be written', () => {
  it('is tried again once the log has doubled, not at every batch, and the log keeps every change', async () => {
    const dir = dataDir();
    const fs = fullForSnapshots();
    const logged: string[] = [];
    let journal: Journal | undefined;
    const harness = start((node) => {
      journal = serveProjections(node, {
        rpcTimeoutMs: 1000,
        durable: { dataDir: dir, log: (line) => logged.push(line), fatal: () => {}, fs },
      });
    });
    // 5 MiB of updates pass the 4 MiB at which a snapshot is due; then 30 batches of reads.
    const writes = Array.from({ length: 10 }, (_, i) => update({ id: i, pad: String(i).repeat(512 * 1024) }));
    const lines = requestLines([...writes, ...Array.from({ length: 30 }, () => ({ type: 'list' }))]);
    // One request at a time, each answered before the next: each is a batch of its own.
    for (const [index, line] of lines.entries()) {
      harness.send(line);
      await harness.output.waitFor(index + 1);
    }
    const replies = bodies(await harness.finish());
    journal?.close();
    expect(replies.every(({ type }) => type !== 'error')).toBe(true);
    expect(fs.tries()).toBe(1);
    expect(logged).toEqual([expect.stringMatching(/^could not write a snapshot: .*ENOSPC/)]);
    const [after] = await run([read], { dataDir: dir });
    expect(after).toMatchObject({ type: 'read_ok', version: 10 });
  });
});
