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
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseJson } from '../../src/json/parse.js';
import { stringifyJson } from '../../src/json/stringify.js';
import { isObject } from '../support/json.js';
import { readLines } from '../support/lines.js';
import { BIN } from '../support/spawned-node.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Safety net only: how long `stop()` lets a node take to exit before killing it. */
const EXIT_GRACE_MS = 10_000;

export interface Body {
  readonly type: string;
  readonly msg_id?: number;
  readonly in_reply_to?: number;
  readonly [field: string]: unknown;
}

/** A message as a node wrote it: the parsed envelope and the exact line (without "\n"). */
export interface Received {
  readonly src: string;
  readonly dest: string;
  readonly body: Body;
  readonly line: string;
}

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
}

export interface Exchange {
  /** The msg_id the client gave the request. */
  readonly msgId: number;
  /** The reply, matched by in_reply_to. */
  readonly reply: Promise<Received>;
}

/** A client of the cluster: numbers its requests and matches the replies. */
export class Client {
  private nextMsgId = 1;
  private readonly pending = new Map<
    number,
    { node: string; resolve: (reply: Received) => void; reject: (error: Error) => void }
  >();

  constructor(
    readonly id: string,
    private readonly network: Cluster,
  ) {}

  /** Sends `body` (with a fresh msg_id) to `nodeId` and resolves with the reply body. */
  async request(nodeId: string, body: { readonly type: string; readonly [field: string]: unknown }): Promise<Body> {
    return (await this.send(nodeId, body).reply).body;
  }

  /** Sends `body` to `nodeId`; the reply comes with its envelope and line. */
  send(nodeId: string, body: { readonly type: string; readonly [field: string]: unknown }): Exchange {
    const msgId = this.nextMsgId++;
    // Replies arrive on a later turn of the event loop, so waiting for one can start after sending.
    this.network.fromClient({ src: this.id, dest: nodeId, body: { ...body, msg_id: msgId } });
    const reply = new Promise<Received>((resolve, reject) => {
      this.pending.set(msgId, { node: nodeId, resolve, reject });
    });
    return { msgId, reply };
  }

  /** Requests sent and not answered (a partition may have dropped them). */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** @internal Takes a message addressed to this client; false if nobody waits for it. */
  deliver(message: Received): boolean {
    const inReplyTo = message.body.in_reply_to;
    const waiting = typeof inReplyTo === 'number' ? this.pending.get(inReplyTo) : undefined;
    if (!waiting || waiting.node !== message.src) return false;
    this.pending.delete(inReplyTo as number);
    waiting.resolve(message);
    return true;
  }

  /** @internal */
  fail(error: Error): void {
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }
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

  constructor(nodeIds: readonly string[], options: ClusterOptions) {
    this.nodeIds = nodeIds;
    const args = options.rpcTimeoutMs === undefined ? [] : ['--rpc-timeout-ms', String(options.rpcTimeoutMs)];
    for (const id of nodeIds) this.spawnNode(id, args);
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
      if (rest !== '') this.fail(new Error(`${id} wrote an unterminated last line: ${JSON.stringify(rest)}`));
    });
    void exited.then(({ code, signal }) => {
      if (!this.stopping)
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

/** Checks that `line` is an envelope Maelstrom accepts, and parses it (numbers exactly). */
export function parseEnvelope(line: string): Received {
  const value = parseJson(line);
  if (!isObject(value)) throw new Error('not a JSON object');
  const { src, dest, body } = value;
  if (typeof src !== 'string') throw new Error('src is not a string');
  if (typeof dest !== 'string') throw new Error('dest is not a string');
  if (!isObject(body)) throw new Error('body is not an object');
  if (typeof body.type !== 'string') throw new Error('body.type is not a string');
  for (const field of ['msg_id', 'in_reply_to'] as const) {
    if (body[field] !== undefined && !Number.isSafeInteger(body[field]))
      throw new Error(`body.${field} is not an integer`);
  }
  return { src, dest, body: body as Body, line };
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

/**
 * bin/projection-node runs the build in dist/ when there is one, so a build older than
 * src/ would test old code. The entry is read from the bin rather than assumed.
 */
function assertBuildIsFresh(): void {
  const file = /'dist', '([^']+)'/.exec(readFileSync(BIN, 'utf8'))?.[1];
  const entry = `dist/${file}`;
  if (file === undefined || !existsSync(`${ROOT}${entry}`)) return; // the bin compiles src/ on the fly
  const built = statSync(`${ROOT}${entry}`).mtimeMs;
  const src = `${ROOT}src/`;
  for (const file of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
    if (file.endsWith('.ts') && statSync(`${src}${file}`).mtimeMs > built) {
      throw new Error(`${entry} is older than src/${file}: run \`npm run build\` first`);
    }
  }
}
