/**
 * Crash test: a node on a data directory is SIGKILLed at random moments, from a seed, and started
 * again on it. Every acknowledged write must be there, and the projections must equal an
 * in-memory node's after some prefix of the requests: unacknowledged writes are wholly
 * there or wholly absent, and versions continue.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serveProjections } from '../../src/serve.js';
import { bodies, type ReplyBody } from '../support/messages.js';
import { start } from '../support/in-process-node.js';
import { SpawnedNode } from '../support/spawned-node.js';

const NAMES = ['a', 'b', 'c'];
const KILLS = 20;
/**
 * Each run kills at other moments, so the runs add up to more than any one of them; a
 * failure names its seed, and CRASH_SEED=<seed> runs it again.
 */
const SEED = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));

/** A small seeded generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function requestGenerator(next: () => number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const int = (below: number): number => Math.floor(next() * below);
  const event = () => ({
    event_type: pick(['Upd', 'Add', 'Del', 'Upd']),
    ...(next() < 0.5 ? { event_id: `e${int(40)}` } : {}),
    event_data: { id: int(6), k: int(6), v: int(1000), big: 9007199254740993n },
  });
  return (): object => {
    const roll = next();
    const projection = pick(NAMES);
    if (roll < 0.12) {
      return {
        type: 'create',
        name: projection,
        initial_state: pick([[], {}, [{ id: 0, seed: true }]]),
        handlers: { Del: 'remove', Add: 'append' },
        key: pick(['id', 'k']),
      };
    }
    if (roll < 0.2) return { type: 'delete', projection };
    if (roll < 0.3) return { type: 'rebuild', projection, events: Array.from({ length: int(5) }, event) };
    return { type: 'update', projection, event: event(), ...(next() < 0.15 ? { expected_version: int(8) } : {}) };
  };
}

/** The request line for a body; a bigint stands for an integer no double holds. */
const line = (body: object, msgId: number): string =>
  JSON.stringify({ src: 'c1', dest: 'n1', body: { ...body, msg_id: msgId } }, (_, value: unknown) =>
    typeof value === 'bigint' ? `<<${value}>>` : value,
  ).replace(/"<<(\d+)>>"/g, '$1');

/** What the node says of every projection: the list, then a read of each name. */
const probes = (): string[] => [
  line({ type: 'list' }, 900_000),
  ...NAMES.map((name, i) => line({ type: 'read', projection: name }, 900_001 + i)),
];

/**
 * An in-memory node that has served every request known to be durable: what a restarted
 * node holds is compared with it after each further request of the last batch. Each
 * request is served once, so the test's own work grows with the requests, not their square.
 */
class Reference {
  private readonly harness = start((node) => serveProjections(node, { rpcTimeoutMs: 1000 }));
  /** Lines sent to it so far: each gets one reply. */
  private sent = 0;

  /** Serves `requests`. */
  send(requests: readonly string[]): void {
    this.harness.send(...requests);
    this.sent += requests.length;
  }

  /** The probes' replies, as it now stands. */
  async probe(): Promise<ReplyBody[]> {
    this.send(probes());
    return bodies((await this.harness.output.waitFor(this.sent)).slice(this.sent - NAMES.length - 1, this.sent));
  }

  /**
   * Serves the first requests of `batch`, at least `answered` of them, until the probes'
   * replies are `recovered`: returns how many that took, or undefined if no prefix gives them.
   */
  async match(batch: readonly string[], answered: number, recovered: ReplyBody[]): Promise<number | undefined> {
    this.send(batch.slice(0, answered));
    for (let kept = answered; ; kept++) {
      if (JSON.stringify(await this.probe()) === JSON.stringify(recovered)) return kept;
      if (kept === batch.length) return undefined;
      this.send([batch[kept] as string]);
    }
  }

  finish(): Promise<string[]> {
    return this.harness.finish();
  }
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('a node SIGKILLed at random moments', () => {
  // A few seconds on an idle machine; the margin is for a machine busy with other work.
  it(`keeps every acknowledged write, over ${KILLS} kills and restarts`, { timeout: 120_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'projection-node-crash-'));
    dirs.push(dataDir);
    const next = random(SEED);
    const nextRequest = requestGenerator(next);
    const reference = new Reference();
    /** How many requests are durable, as far as the last restart showed. */
    let durable = 0;
    let msgId = 0;
    /** The last batch sent, and how many of its requests were answered before the kill. */
    let previous: { batch: string[]; answered: number } | undefined;
    for (let kill = 0; kill <= KILLS; kill++) {
      const node = new SpawnedNode(['--data-dir', dataDir]);
      // First, what the restarted node holds: an in-memory node's after some prefix of the requests.
      node.writeLines(probes());
      const recovered = bodies(await node.waitForLines(NAMES.length + 1));
      const { batch, answered } = previous ?? { batch: [], answered: 0 };
      const matched = await reference.match(batch, answered, recovered);
      expect(
        matched,
        `seed ${SEED}, kill ${kill}: ${answered} of ${batch.length} answered; recovered ${JSON.stringify(recovered)}`,
      ).toBeDefined();
      durable += matched as number;
      if (kill === KILLS) {
        node.endInput();
        expect((await node.finished()).code).toBe(0);
        await reference.finish();
        break;
      }

      // Then more requests, in groups (each one commit or more), and a SIGKILL at a random moment among them.
      const sent = Array.from({ length: 10 + Math.floor(next() * 300) }, () => line(nextRequest(), ++msgId));
      const base = NAMES.length + 1;
      const killAt = Math.floor(next() * sent.length);
      for (let from = 0; from <= killAt; ) {
        const group = sent.slice(from, from + 1 + Math.floor(next() * 20));
        node.writeLines(group);
        from += group.length;
        if (from <= killAt) await node.waitForLines(base + from);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.floor(next() * 4)));
      node.child.kill('SIGKILL');
      await node.finished();
      previous = { batch: sent, answered: node.lines.length - base };
    }
    expect(durable).toBeGreaterThan(KILLS);
  });
});
