/**
 * A small Maelstrom-like network for cluster tests: real `bin/projection-node`
 * processes, one line-delimited JSON envelope per message, routed by `dest`.
 *
 * - Messages to a node id go to that node's stdin, unchanged (the exact line).
 *   Every node-to-node message is recorded in `cluster.log`.
 * - Messages to anything else go to the test's clients (`cluster.client("c1")`).
 *   A client message nobody waits for is recorded in `cluster.unexpected`.
 * - `partition(id)` drops everything to and from a node (nodes and clients) until
 *   `heal()`. `hold(id)` queues what a node sends until `release(id)`, so a reply
 *   can be made to arrive late.
 * - Every stdout line must be an envelope Maelstrom accepts, from that node. Anything
 *   else fails the cluster: pending requests and waits reject, and `stop()` throws.
 * - `stop()` ends every stdin, waits for the processes to exit, and throws unless each
 *   exited with code 0 and nothing went wrong on the way.
 *
 * "c0" is the client that sends `init`; tests use other client ids.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { stringifyJson } from '../../src/json/stringify.js';
import { readLines } from '../support/lines.js';
import { assertBuildIsFresh, BIN, ROOT } from '../support/spawned-node.js';
import { Client } from './client.js';
import { type Body, parseEnvelope, type Received } from './envelope.js';

/** Safety net only: how long `stop()` lets a node take to exit before killing it. */
const EXIT_GRACE_MS = 10_000;

/**
 * What the network did with a node-to-node message: delivered it, dropped it (partition,
 * or the destination's stdin was already closed), or queued it (`hold`) and later
 * delivered it (`release`).
 */
export type Fate = 'delivered' | 'dropped' | 'held' | 'released';

export interface LoggedMessage extends Received {
  readonly fate: Fate;
}

export interface ClusterOptions {
  /** Passed as --rpc-timeout-ms; the node's default when absent. */
  readonly rpcTimeoutMs?: number;
  /** Send `init` to each node (default true). Without it a node answers as its request's `dest`. */
  readonly init?: boolean;
  /** Passed as --data-dir to every node, as Maelstrom gives every node the same command line. */
  readonly dataDir?: string;
  /** Passed as --max-line-bytes to every node. */
  readonly maxLineBytes?: number;
}

/** One node of the network: a bin/projection-node process whose stdin and stdout the network routes. */
interface NetworkNode {
  readonly id: string;
  readonly child: ChildProcessWithoutNullStreams;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: string;
  /** Messages this node sent while held, in order. */
  readonly held: { message: Received; index: number }[];
}

interface Waiter {
  readonly check: () => boolean;
  readonly reject: (error: Error) => void;
}

export class Cluster {
  readonly nodeIds: readonly string[];
  /** Every node-to-node message, in the order the nodes wrote them. */
  get log(): readonly LoggedMessage[] {
    return this.messages;
  }
  /** Messages for clients that no request was waiting for (a double or stray reply). */
  readonly unexpected: Received[] = [];

  private readonly messages: LoggedMessage[] = [];
  private readonly nodes = new Map<string, NetworkNode>();
  private readonly clients = new Map<string, Client>();
  private readonly partitioned = new Set<string>();
  private readonly holding = new Set<string>();
  private waiters: Waiter[] = [];
  private failure: Error | undefined;
  private stopping = false;
  /** Nodes being killed on purpose: their exit is no failure. */
  private readonly killing = new Set<string>();
  private readonly args: readonly string[];

  constructor(nodeIds: readonly string[], options: ClusterOptions) {
    this.nodeIds = nodeIds;
    this.args = [
      ...(options.rpcTimeoutMs === undefined ? [] : ['--rpc-timeout-ms', String(options.rpcTimeoutMs)]),
      ...(options.dataDir === undefined ? [] : ['--data-dir', options.dataDir]),
      ...(options.maxLineBytes === undefined ? [] : ['--max-line-bytes', String(options.maxLineBytes)]),
    ];
    for (const id of nodeIds) this.spawnNode(id, this.args);
  }

  /** SIGKILLs a node, starts it again with the same command line, and sends it init again. */
  async restart(nodeId: string): Promise<void> {
    const node = this.node(nodeId);
    this.killing.add(nodeId);
    node.child.kill('SIGKILL');
    await node.exited;
    this.killing.delete(nodeId);
    this.spawnNode(nodeId, this.args);
    const reply = await this.client('c0').request(nodeId, { type: 'init', node_id: nodeId, node_ids: this.nodeIds });
    if (reply.type !== 'init_ok') throw new Error(`init refused after restart: ${JSON.stringify(reply)}`);
  }

  /** The client with this id, created on first use. */
  client(id: string): Client {
    let client = this.clients.get(id);
    if (!client) {
      client = new Client(id, this);
      this.clients.set(id, client);
    }
    return client;
  }

  /** Drops every message to or from `nodeId`, node or client, until `heal()`. */
  partition(nodeId: string): void {
    this.assertNode(nodeId);
    this.partitioned.add(nodeId);
  }

  heal(): void {
    this.partitioned.clear();
  }

  /** Queues every message `nodeId` sends until `release(nodeId)`. */
  hold(nodeId: string): void {
    this.assertNode(nodeId);
    this.holding.add(nodeId);
  }

  /** Delivers, in order, what `nodeId` sent while held, and stops holding it. */
  release(nodeId: string): void {
    const node = this.node(nodeId);
    this.holding.delete(nodeId);
    for (const { message, index } of node.held.splice(0)) {
      if (index >= 0) this.messages[index] = { ...message, fate: 'released' };
      this.route(message, index);
    }
  }

  /** Everything `nodeId` wrote to stderr so far. */
  stderr(nodeId: string): string {
    return this.node(nodeId).stderr;
  }

  /** Resolves with the first match of `pattern` in `nodeId`'s stderr, now or once it is written. */
  waitForStderr(nodeId: string, pattern: RegExp): Promise<RegExpMatchArray> {
    return this.waitFor(() => this.stderr(nodeId).match(pattern) ?? undefined);
  }

  /** Resolves with the first node-to-node message matching `predicate`, logged already or later. */
  waitForMessage(predicate: (message: LoggedMessage) => boolean): Promise<LoggedMessage> {
    return this.waitFor(() => this.messages.find(predicate));
  }

  /**
   * Ends every node's stdin and waits for all to exit; throws unless all went well.
   * Await your requests first: a forward still in flight is cut off and its node
   * exits only after its --rpc-timeout-ms.
   */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const node of this.nodes.values()) node.child.stdin.end();
    const problems: string[] = [];
    await Promise.all(
      [...this.nodes.values()].map(async (node) => {
        const timer = setTimeout(() => node.child.kill('SIGKILL'), EXIT_GRACE_MS);
        const { code, signal } = await node.exited;
        clearTimeout(timer);
        if (code !== 0) {
          problems.push(`${node.id} exited with ${signal ?? `code ${code}`}; stderr:\n${node.stderr}`);
        } else if (/internal error/.test(node.stderr)) {
          problems.push(`${node.id} logged an internal error:\n${node.stderr}`);
        }
      }),
    );
    if (this.failure) problems.unshift(this.failure.message);
    if (this.unexpected.length > 0) {
      problems.push(`unexpected client messages:\n${this.unexpected.map((message) => message.line).join('\n')}`);
    }
    if (problems.length > 0) throw new Error(problems.join('\n'));
  }

  /** @internal A client's request enters the network. */
  fromClient(envelope: { src: string; dest: string; body: Body }): void {
    if (this.failure) throw this.failure;
    this.assertNode(envelope.dest);
    if (this.partitioned.has(envelope.dest)) return;
    this.write(this.node(envelope.dest), stringifyJson(envelope));
  }

  private spawnNode(id: string, args: readonly string[]): void {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.on('close', (code, signal) => resolve({ code, signal }));
    });
    const node: NetworkNode = { id, child, exited, stderr: '', held: [] };
    this.nodes.set(id, node);

    child.stdin.on('error', (error) => this.fail(new Error(`${id}: stdin: ${error.message}`)));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      node.stderr += chunk;
      this.checkWaiters();
    });
    void readLines(child.stdout, (line) => this.fromNode(node, line)).then((rest) => {
      // A node killed on purpose may die mid-line.
      if (rest !== '' && !this.killing.has(id)) {
        this.fail(new Error(`${id} wrote an unterminated last line: ${JSON.stringify(rest)}`));
      }
    });
    void exited.then(({ code, signal }) => {
      if (!this.stopping && !this.killing.has(id))
        this.fail(new Error(`${id} exited before stop() (${signal ?? `code ${code}`}); stderr:\n${node.stderr}`));
    });
  }

  /** One stdout line of `node`: checked, then routed. */
  private fromNode(node: NetworkNode, line: string): void {
    let message: Received;
    try {
      message = parseEnvelope(line);
    } catch (error) {
      this.fail(
        new Error(
          `${node.id} wrote a line Maelstrom would reject (${(error as Error).message}): ${JSON.stringify(line)}`,
        ),
      );
      return;
    }
    if (message.src !== node.id) {
      this.fail(new Error(`${node.id} wrote a message with src ${JSON.stringify(message.src)}: ${line}`));
      return;
    }
    const held = this.holding.has(node.id);
    const index = this.nodes.has(message.dest)
      ? this.messages.push({ ...message, fate: held ? 'held' : 'delivered' }) - 1
      : -1;
    if (held) {
      node.held.push({ message, index });
      this.checkWaiters();
      return;
    }
    this.route(message, index);
  }

  /** Delivers a node's message; `index` is its place in the log (-1 for client messages). */
  private route(message: Received, index: number): void {
    const dest = this.nodes.get(message.dest);
    const cut = this.partitioned.has(message.src) || this.partitioned.has(message.dest);
    if (dest) {
      const delivered = !cut && this.write(dest, message.line);
      if (!delivered) this.messages[index] = { ...message, fate: 'dropped' };
    } else if (!cut) {
      const client = this.clients.get(message.dest);
      if (!client?.deliver(message)) this.unexpected.push(message);
    }
    this.checkWaiters();
  }

  /** Writes a line to a node's stdin; false if the stdin is closed already (during stop). */
  private write(node: NetworkNode, line: string): boolean {
    if (node.child.stdin.writableEnded || node.child.stdin.destroyed) return false;
    node.child.stdin.write(`${line}\n`);
    return true;
  }

  private waitFor<T>(find: () => T | undefined): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.failure) {
        reject(this.failure);
        return;
      }
      const found = find();
      if (found !== undefined) {
        resolve(found);
        return;
      }
      const waiter: Waiter = {
        check: () => {
          const value = find();
          if (value === undefined) return false;
          resolve(value);
          return true;
        },
        reject,
      };
      this.waiters.push(waiter);
    });
  }

  private checkWaiters(): void {
    if (this.waiters.length > 0) this.waiters = this.waiters.filter((waiter) => !waiter.check());
  }

  /** Something broke the protocol: everything waiting fails now, and so will stop(). */
  private fail(error: Error): void {
    this.failure ??= error;
    for (const client of this.clients.values()) client.fail(error);
    for (const waiter of this.waiters) waiter.reject(error);
    this.waiters = [];
  }

  private node(nodeId: string): NetworkNode {
    const node = this.nodes.get(nodeId);
    if (!node) throw new Error(`no node ${JSON.stringify(nodeId)} in ${this.nodeIds.join(', ')}`);
    return node;
  }

  private assertNode(nodeId: string): void {
    this.node(nodeId);
  }
}

/**
 * Starts `nodeCount` nodes n1..nN, and (unless `init: false`) initializes each with its
 * id and all ids, waiting for every init_ok.
 */
export async function startCluster(nodeCount: number, options: ClusterOptions = {}): Promise<Cluster> {
  assertBuildIsFresh();
  const nodeIds = Array.from({ length: nodeCount }, (_, index) => `n${index + 1}`);
  const cluster = new Cluster(nodeIds, options);
  if (options.init === false) return cluster;
  try {
    const admin = cluster.client('c0');
    const replies = await Promise.all(
      nodeIds.map((nodeId) => admin.request(nodeId, { type: 'init', node_id: nodeId, node_ids: nodeIds })),
    );
    const refused = replies.find((reply) => reply.type !== 'init_ok');
    if (refused) throw new Error(`init refused: ${JSON.stringify(refused)}`);
  } catch (error) {
    await cluster.stop().catch(() => undefined);
    throw error;
  }
  return cluster;
}
