/** The data directory from outside: where files go, what stops a start, damage and torn tails, snapshots. */
import { appendFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { nodeFolder } from '../../src/storage/layout.js';
import { dataDirsRemovedAfterEach } from '../support/data-dirs.js';
import { bodies, message } from '../support/messages.js';
import { SpawnedNode, runNode } from '../support/spawned-node.js';

const dataDir = dataDirsRemovedAfterEach('projection-node-data-');
const lines = (...bodyTexts: string[]): string => `${bodyTexts.map(message).join('\n')}\n`;
/** An update of one of five elements, so replies stay small however many there are. */
const update = (id: number, pad = ''): string =>
  `{"type":"update","msg_id":${id},"projection":"p","event":{"event_type":"E","event_data":{"id":${id % 5},"n":${id},"pad":"${pad}"}}}`;
const read = (id: number): string => `{"type":"read","msg_id":${id},"projection":"p"}`;

describe('--data-dir', () => {
  it('keeps data in DIR before any init, and in DIR/<node_id> once init names the node', async () => {
    const dir = dataDir();
    await runNode(lines(update(1)), ['--data-dir', dir]);
    await runNode(lines('{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1"]}', update(2)), ['--data-dir', dir]);
    expect(readdirSync(dir).sort()).toEqual(['log-000000000000.pnr', 'n1']);
    expect(readdirSync(join(dir, 'n1'))).toEqual(['log-000000000000.pnr']);
    const before = await runNode(lines(read(3)), ['--data-dir', dir]);
    const after = await runNode(lines('{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1"]}', read(3)), [
      '--data-dir',
      dir,
    ]);
    expect(after.stderr).toMatch(new RegExp(`^projection-node: data directory ${join(dir, 'n1')}: \\d+ syncs?\n$`));
    expect(bodies(before.stdout)[0]).toMatchObject({ version: 1, state: [{ id: 1, n: 1 }] });
    expect(bodies(after.stdout)[1]).toMatchObject({ version: 1, state: [{ id: 2, n: 2 }] });
  });

  it('keeps DIR for a node asked anything before init, and says so when init comes', async () => {
    const dir = dataDir();
    const init = '{"type":"init","msg_id":2,"node_id":"n1","node_ids":["n1"]}';
    const first = await runNode(lines('{"type":"list","msg_id":1}', init, update(3)), ['--data-dir', dir]);
    expect(bodies(first.stdout).map(({ type }) => type)).toEqual(['list_ok', 'init_ok', 'projection_updated']);
    const [said, syncs, rest] = first.stderr.split('\n');
    expect(said).toBe(
      `projection-node: init named this node "n1", but its data stays in ${dir}, where a request before init put it; a node started with init first uses ${join(dir, 'n1')}`,
    );
    expect(syncs).toMatch(new RegExp(`^projection-node: data directory ${dir}: \\d+ syncs?$`));
    expect(rest).toBe('');
    expect(readdirSync(dir).sort()).toEqual(['log-000000000000.pnr']);
    // Asked before init again, it finds the update; started with init first, it uses DIR/n1 instead.
    expect(bodies((await runNode(lines(read(1)), ['--data-dir', dir])).stdout)[0]).toMatchObject({ version: 1 });
    const named = await runNode(lines(init, read(3)), ['--data-dir', dir]);
    expect(bodies(named.stdout)[1]).toMatchObject({ type: 'error', code: 20 });
  });

  it('keeps a node whose id is not a plain name in DIR/_<digest>: never outside DIR, whatever init says', async () => {
    const ids = ['..', '../escaped', 'x'.repeat(300), 'lock'];
    const runs = ids.map(async (id) => {
      const parent = dataDir();
      const dir = join(parent, 'data');
      const init = `{"type":"init","msg_id":1,"node_id":${JSON.stringify(id)},"node_ids":[${JSON.stringify(id)}]}`;
      const first = await runNode(lines(init, update(2)), ['--data-dir', dir]);
      expect(
        bodies(first.stdout).map(({ type }) => type),
        id,
      ).toEqual(['init_ok', 'projection_updated']);
      expect(readdirSync(parent), id).toEqual(['data']);
      expect(readdirSync(dir), id).toEqual([nodeFolder(id)]);
      const again = await runNode(lines(init, read(2)), ['--data-dir', dir]);
      expect(bodies(again.stdout)[1], id).toMatchObject({ type: 'read_ok', version: 1 });
    });
    await Promise.all(runs);
  });

  it('writes the log as the README describes it: a header, then framed JSON records', async () => {
    const dir = dataDir();
    const before = Math.floor(Date.now() / 1000);
    await runNode(lines('{"type":"create","msg_id":1,"name":"p"}', update(2)), ['--data-dir', dir]);
    const after = Math.floor(Date.now() / 1000);
    const bytes = readFileSync(join(dir, 'log-000000000000.pnr'));
    expect(bytes.toString('latin1', 0, 8)).toBe('PNRLOG1\n');
    const records: Record<string, unknown>[] = [];
    for (let at = 8; at < bytes.length; ) {
      const length = bytes.readUInt32LE(at + 4);
      // The CRC-32 covers the length field and the record.
      expect(bytes.readUInt32LE(at)).toBe(crc32(bytes.subarray(at + 4, at + 8 + length)));
      records.push(JSON.parse(bytes.toString('utf8', at + 8, at + 8 + length)) as Record<string, unknown>);
      at += 8 + length;
    }
    expect(records.map(({ op }) => op)).toEqual(['create', 'update']);
    const [, change] = records;
    expect(Object.keys(change ?? {})).toEqual(['op', 'name', 'at', 'event']);
    expect(change?.at).toBeGreaterThanOrEqual(before);
    expect(change?.at).toBeLessThanOrEqual(after);
  });

  it('stops with one line and exit status 1 when the directory cannot be made', async () => {
    const result = await runNode(lines(read(1)), ['--data-dir', '/dev/null/data']);
    expect(result.code).toBe(1);
    expect(result.stdout).toEqual([]);
    expect(result.stderr).toMatch(
      /^projection-node: cannot create the data directory \/dev\/null\/data: ENOTDIR[^\n]*\n$/,
    );
  });

  it('says so when the path is a file, not a directory', async () => {
    const file = join(dataDir(), 'a-file');
    writeFileSync(file, '');
    const result = await runNode(lines(read(1)), ['--data-dir', file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toEqual([]);
    expect(result.stderr).toBe(
      `projection-node: cannot create the data directory ${file}: ENOTDIR: it exists and is not a directory\n`,
    );
  });

  it('stops with one line and exit status 1 where a parent refuses creation, as under /proc', async () => {
    const result = await runNode(lines(read(1)), ['--data-dir', '/proc/projection-node-nope/data']);
    expect(result.code).toBe(1);
    expect(result.stdout).toEqual([]);
    expect(result.stderr).toMatch(
      /^projection-node: cannot create the data directory \/proc\/projection-node-nope\/data: ENOENT[^\n]*\n$/,
    );
  });

  it('says at exit how many syncs it made', async () => {
    const dir = dataDir();
    // A new log costs syncs of the file and of the directory; the next batch on it, one.
    const first = await runNode(lines(update(1)), ['--data-dir', dir]);
    const second = await runNode(lines(update(2)), ['--data-dir', dir]);
    expect(first.stderr).toBe(`projection-node: data directory ${dir}: 3 syncs\n`);
    expect(second.stderr).toBe(`projection-node: data directory ${dir}: 1 sync\n`);
  });

  it('lets one process at a time use a directory; the second stops with one line and exit status 1', async () => {
    const dir = dataDir();
    const first = new SpawnedNode(['--data-dir', dir]);
    first.write(lines(update(1)));
    await first.waitForLines(1);
    const second = await runNode(lines(update(2)), ['--data-dir', dir]);
    expect(second.code).toBe(1);
    expect(second.stdout).toEqual([]);
    expect(second.stderr).toMatch(
      new RegExp(
        `^projection-node: cannot use the data directory ${dir}: data directory ${dir} is in use by process ${first.child.pid}[^\\n]*\\n$`,
      ),
    );
    first.write(lines(read(3)));
    first.endInput();
    expect(bodies((await first.finished()).stdout)[1]).toMatchObject({ type: 'read_ok', version: 1 });
  });

  it('drops a torn tail with a warning, and serves what comes before it', async () => {
    const dir = dataDir();
    await runNode(lines(update(1), update(2)), ['--data-dir', dir]);
    const log = join(dir, 'log-000000000000.pnr');
    const size = statSync(log).size;
    // The first half of a copy of the last record: a write cut off by a crash.
    appendFileSync(log, readFileSync(log).subarray(size - 40, size - 20));
    const result = await runNode(lines(read(3)), ['--data-dir', dir]);
    expect(bodies(result.stdout)).toMatchObject([{ type: 'read_ok', version: 2 }]);
    expect(result.stderr).toMatch(
      new RegExp(`^projection-node: ${log}: dropped a torn tail at offset ${size} \\(20 bytes: [^\\n]*\\n`),
    );
    expect(statSync(log).size).toBe(size);
  });

  it('refuses to start on a record damaged before the end, naming the file and the offset', async () => {
    const dir = dataDir();
    await runNode(lines(update(1), update(2), update(3)), ['--data-dir', dir]);
    const log = join(dir, 'log-000000000000.pnr');
    const bytes = readFileSync(log);
    const at = Math.floor(bytes.length / 2);
    bytes[at] = (bytes[at] as number) ^ 0xff;
    writeFileSync(log, bytes);
    const result = await runNode(lines(read(4)), ['--data-dir', dir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toEqual([]);
    expect(result.stderr).toMatch(
      /^projection-node: cannot use the data directory [^\n]*log-000000000000\.pnr[^\n]*offset \d+[^\n]*\n$/,
    );
    // It lets the directory go: no lock is left to say a process still uses it.
    expect(existsSync(join(dir, 'lock'))).toBe(false);
  });

  it('snapshots as the log grows, so the files stay near the live state, and a restart loads the snapshot', async () => {
    const dir = dataDir();
    const pad = 'x'.repeat(200);
    const count = 25_000;
    const result = await runNode(lines(...Array.from({ length: count }, (_, i) => update(i + 1, pad))), [
      '--data-dir',
      dir,
    ]);
    expect(result.code).toBe(0);
    const files = readdirSync(dir).filter((name) => name !== 'lock');
    expect(files.some((name) => name.startsWith('snapshot-'))).toBe(true);
    const state = bodies(result.stdout).at(-1)?.state;
    const live = Buffer.byteLength(JSON.stringify(state));
    const onDisk = files.reduce((total, name) => total + statSync(join(dir, name)).size, 0);
    // The snapshot (about the live state) plus a log of at most twice it, or of 4 MiB while the state is small.
    expect(onDisk).toBeLessThan(3 * live + 4 * 1024 * 1024 + 64 * 1024);
    expect(onDisk).toBeLessThan((count * update(count, pad).length) / 2);
    const restarted = await runNode(lines(read(count + 1)), ['--data-dir', dir]);
    expect(bodies(restarted.stdout)[0]).toMatchObject({ type: 'read_ok', version: count, state });
  });
});
