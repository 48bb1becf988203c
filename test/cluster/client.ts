/** The clients of the test network. */
import type { Body, Received } from './envelope.js';
import type { Cluster } from './network.js';

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
