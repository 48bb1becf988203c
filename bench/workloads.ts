// Deterministic workload generators for `npm run bench`. Each writes one JSON
// envelope per line; files are cached in bench/.work and regenerated only when
// this module or the scale changes, or the file was truncated.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Full-size parameters; `--quick` multiplies the counts by a scale factor. */
export const SIZES = {
  small: { projections: 1000, updates: 200_000, userIds: 10 },
  growth: { updates: 3000 },
  rebuild: { events: 200_000, ids: 20_000 },
  rebuild1m: { events: 1_000_000, ids: 100_000 },
  rebuild3m: { events: 3_000_000, ids: 300_000 },
  upsertLarge: { elements: 2000, updates: 20_000 },
  creates: { creates: 1_000_000 },
  ids: { updates: 1_000_000 },
  latency: { elements: 20, updates: 25_000 },
  query: { elements: 1_000_000, keyQueries: 200, whereQueries: 200, reads: 5 },
} as const;

/** Buffers output so generating ~60 MB lines doesn't cost one syscall per piece. */
class LineWriter {
  lines = 0;
  bytes = 0;
  private pending: string[] = [];
  private pendingChars = 0;

  constructor(private readonly fd: number) {}

  write(piece: string): void {
    this.pending.push(piece);
    this.pendingChars += piece.length;
    if (this.pendingChars >= 1 << 20) this.flush();
  }

  endLine(): void {
    this.write('\n');
    this.lines += 1;
  }

  /** One envelope from "client" to "n1", body fields in the given order. */
  message(body: Record<string, unknown>): void {
    this.write(JSON.stringify({ src: 'client', dest: 'n1', body }));
    this.endLine();
  }

  flush(): void {
    this.bytes += writeSync(this.fd, this.pending.join(''));
    this.pending = [];
    this.pendingChars = 0;
  }
}

type Generator = (w: LineWriter, scale: number) => void;

export const scaled = (n: number, scale: number): number => Math.max(1, Math.round(n * scale));

/** A deterministic pseudo-random sequence (a 32-bit LCG): the same workload on every machine. */
function lcg(seed: number): (below: number) => number {
  let x = seed >>> 0;
  return (below) => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return Math.floor((x / 2 ** 32) * below);
  };
}

const userEvent = (id: number, seq: number) => ({
  event_type: 'UserUpdated',
  event_data: { id: `user-${id}`, name: `Name ${seq}`, seq },
});

/** One rebuild request of `count` events, written piece by piece: the line may be hundreds of MB. */
function rebuildLine(
  w: LineWriter,
  msgId: number,
  projection: string,
  count: number,
  event: (i: number) => unknown,
): void {
  w.write(
    `{"src":"client","dest":"n1","body":{"type":"rebuild","msg_id":${msgId},"projection":${JSON.stringify(projection)},"events":[`,
  );
  for (let i = 0; i < count; i++) w.write((i === 0 ? '' : ',') + JSON.stringify(event(i)));
  w.write(']}}');
  w.endLine();
}

/** create, one huge rebuild line, then `last` (a read, or a list). */
function rebuildGenerator(size: { events: number; ids: number }, last: 'read' | 'list'): Generator {
  return (w, scale) => {
    const events = scaled(size.events, scale);
    const ids = scaled(size.ids, scale);
    w.message({ type: 'create', msg_id: 1, name: 'r', initial_state: [] });
    rebuildLine(w, 2, 'r', events, (i) => userEvent(i % ids, i));
    w.message(last === 'read' ? { type: 'read', msg_id: 3, projection: 'r' } : { type: 'list', msg_id: 3 });
  };
}

/** One object state merged 1M times with `{"n": i}`, each event with a unique event_id or with none. */
function idsGenerator(withIds: boolean): Generator {
  return (w, scale) => {
    const updates = scaled(SIZES.ids.updates, scale);
    w.message({ type: 'create', msg_id: 1, name: 'o', initial_state: {} });
    for (let i = 0; i < updates; i++) {
      const event = withIds
        ? { event_type: 'Counted', event_id: `e${i}`, event_data: { n: i } }
        : { event_type: 'Counted', event_data: { n: i } };
      w.message({ type: 'update', msg_id: i + 2, projection: 'o', event });
    }
  };
}

export const GENERATORS = {
  small: (w, scale) => {
    const projections = scaled(SIZES.small.projections, scale);
    const updates = scaled(SIZES.small.updates, scale);
    let msgId = 1;
    for (let j = 0; j < projections; j++) {
      w.message({ type: 'create', msg_id: msgId++, name: `p${j}`, initial_state: j % 2 === 0 ? [] : {} });
    }
    for (let i = 0; i < updates; i++) {
      const event = userEvent(i % SIZES.small.userIds, i);
      w.message({ type: 'update', msg_id: msgId++, projection: `p${i % projections}`, event });
    }
  },
  growth: (w, scale) => {
    const updates = scaled(SIZES.growth.updates, scale);
    w.message({ type: 'create', msg_id: 1, name: 'g', initial_state: [] });
    for (let i = 0; i < updates; i++) {
      w.message({ type: 'update', msg_id: i + 2, projection: 'g', event: userEvent(i, i) });
    }
  },
  // One array grown to 2000 elements, then updates that each merge into an element picked at random.
  'upsert-large': (w, scale) => {
    const elements = scaled(SIZES.upsertLarge.elements, scale);
    const updates = scaled(SIZES.upsertLarge.updates, scale);
    const pick = lcg(7);
    let msgId = 1;
    w.message({ type: 'create', msg_id: msgId++, name: 'u', initial_state: [] });
    for (let i = 0; i < elements; i++) {
      w.message({
        type: 'update',
        msg_id: msgId++,
        projection: 'u',
        event: { event_type: 'Added', event_data: { id: `u${i}`, n: 0 } },
      });
    }
    for (let i = 0; i < updates; i++) {
      const event = { event_type: 'Changed', event_data: { id: `u${pick(elements)}`, n: i + 1 } };
      w.message({ type: 'update', msg_id: msgId++, projection: 'u', event });
    }
  },
  rebuild: rebuildGenerator(SIZES.rebuild, 'read'),
  'rebuild-1m': rebuildGenerator(SIZES.rebuild1m, 'read'),
  'rebuild-3m': rebuildGenerator(SIZES.rebuild3m, 'list'),
  // The read a restarted node answers from its data directory, after rebuild-1m.
  'restart-1m': (w) => {
    w.write('{"src":"c","dest":"n1","body":{"type":"read","msg_id":1,"projection":"r"}}');
    w.endLine();
  },
  'creates-1m': (w, scale) => {
    const creates = scaled(SIZES.creates.creates, scale);
    for (let i = 0; i < creates; i++) w.message({ type: 'create', msg_id: i + 1, name: `p${i}`, initial_state: [] });
  },
  'ids-1m': idsGenerator(true),
  'ids-1m-plain': idsGenerator(false),
  startup: (w) => {
    w.message({ type: 'create', msg_id: 1, name: 's', initial_state: [] });
  },
  // For the one-at-a-time driver: a 20-element array, then updates that each merge into one of them.
  latency: (w, scale) => {
    const elements = SIZES.latency.elements;
    const updates = scaled(SIZES.latency.updates, scale);
    w.message({ type: 'create', msg_id: 1, name: 'l', initial_state: [] });
    rebuildLine(w, 2, 'l', elements, (i) => ({ event_type: 'Added', event_data: { id: `u${i}`, n: 0 } }));
    for (let i = 0; i < updates; i++) {
      const event = { event_type: 'Changed', event_data: { id: `u${i % elements}`, n: i + 1 } };
      w.message({ type: 'update', msg_id: i + 3, projection: 'l', event });
    }
  },
  // For the one-at-a-time driver: a 1M-element array indexed by email, then queries by key and by
  // email, with the full reads spread among them.
  'query-1m': (w, scale) => {
    const size = SIZES.query;
    const elements = scaled(size.elements, scale);
    const queries = scaled(size.keyQueries, scale) + scaled(size.whereQueries, scale);
    const reads = scaled(size.reads, scale);
    const pick = lcg(11);
    let msgId = 1;
    w.message({ type: 'create', msg_id: msgId++, name: 'big', initial_state: [], indexes: ['email'] });
    rebuildLine(w, msgId++, 'big', elements, (i) => ({
      event_type: 'Added',
      event_data: { id: `u${i}`, email: `u${i}@x` },
    }));
    for (let i = 0; i < queries; i++) {
      const id = `u${pick(elements)}`;
      const by = i % 2 === 0 ? { key: id } : { where: { email: `${id}@x` } };
      w.message({ type: 'query', msg_id: msgId++, projection: 'big', ...by });
      if ((i + 1) % Math.ceil(queries / reads) === 0) w.message({ type: 'read', msg_id: msgId++, projection: 'big' });
    }
  },
} satisfies Record<string, Generator>;

export type WorkloadName = keyof typeof GENERATORS;

export interface WorkloadFile {
  path: string;
  /** Number of request lines, i.e. the number of replies a node must write. */
  lines: number;
  bytes: number;
}

/** Returns the workload's input file, generating it unless a valid cached copy exists. */
export function prepareWorkload(name: WorkloadName, scale: number, dir: string): WorkloadFile {
  mkdirSync(dir, { recursive: true });
  const generate: Generator = GENERATORS[name];
  const path = join(dir, scale === 1 ? `${name}.jsonl` : `${name}.x${scale}.jsonl`);
  const metaPath = `${path}.meta.json`;
  // Hash this module's source, so editing a generator or a helper it calls invalidates the cache.
  const key = createHash('sha256')
    .update(`${readFileSync(fileURLToPath(import.meta.url), 'utf8')}\n${name}\n${scale}`)
    .digest('hex');

  if (existsSync(path) && existsSync(metaPath)) {
    const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as WorkloadFile & { key: string };
    if (meta.key === key && statSync(path).size === meta.bytes) return { path, lines: meta.lines, bytes: meta.bytes };
  }

  const fd = openSync(path, 'w');
  const writer = new LineWriter(fd);
  try {
    generate(writer, scale);
    writer.flush();
  } finally {
    closeSync(fd);
  }
  const file = { path, lines: writer.lines, bytes: writer.bytes };
  writeFileSync(metaPath, JSON.stringify({ ...file, key }));
  return file;
}
