import type { Body } from './envelope.js';
import { ErrorCode, RpcError } from './errors.js';
import { MAX_PENDING_RPC_BYTES, RPC_BYTES } from './limits.js';

interface PendingRpc {
  /** Only a reply from the node the request went to settles it. */
  readonly dest: string;
  readonly resolve: (body: Body) => void;
  readonly reject: (error: RpcError) => void;
  readonly timer: NodeJS.Timeout;
  /** What it counts against the bound. */
  readonly bytes: number;
}

/** The RPCs this node has sent and is waiting on, by msg_id, within a bound in bytes. */
export class PendingRpcs {
  private readonly pending = new Map<number, PendingRpc>();
  private nextMsgId = 1;
  private bytes = 0;

  constructor(private readonly maxBytes = MAX_PENDING_RPC_BYTES) {}

  /**
   * Registers a request to `dest` and returns its msg_id and a promise of the reply
   * body; the promise rejects with error 0 (timeout) after `timeoutMs`, when the
   * outcome is unknown. `holds` is what the caller keeps alive until then, in bytes.
   * Throws error 11, and registers nothing, if that would pass the bound while other
   * RPCs wait: one RPC alone is always taken, whatever it holds.
   */
  start(dest: string, timeoutMs: number, holds = 0): { msgId: number; reply: Promise<Body> } {
    const bytes = RPC_BYTES + holds;
    const waiting = this.pending.size;
    if (waiting > 0 && this.bytes + bytes > this.maxBytes) {
      const what = waiting === 1 ? '1 request to another node is' : `${waiting} requests to other nodes are`;
      throw new RpcError(
        ErrorCode.temporarilyUnavailable,
        `${dest} was not asked: ${what} waiting for an answer already; try again later`,
      );
    }
    const msgId = this.nextMsgId++;
    const reply = new Promise<Body>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.forget(msgId);
        reject(new RpcError(ErrorCode.timeout, `${dest} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(msgId, { dest, resolve, reject, timer, bytes });
      this.bytes += bytes;
    });
    return { msgId, reply };
  }

  /** Settles the RPC that `body` answers, if `src` is where it went; false if nothing waits for it. */
  settle(src: string, body: Body): boolean {
    const inReplyTo = body.in_reply_to;
    const pending = typeof inReplyTo === 'number' ? this.pending.get(inReplyTo) : undefined;
    if (pending?.dest !== src) return false;
    this.forget(inReplyTo as number);
    clearTimeout(pending.timer);
    pending.resolve(body);
    return true;
  }

  /**
   * Fails the RPC that a reply from `src` answers, as `inReplyTo` says, with `error`: a reply
   * that could not be read. False if nothing waits for it.
   */
  fail(src: string, inReplyTo: unknown, error: RpcError): boolean {
    const pending = typeof inReplyTo === 'number' ? this.pending.get(inReplyTo) : undefined;
    if (pending?.dest !== src) return false;
    this.forget(inReplyTo as number);
    clearTimeout(pending.timer);
    pending.reject(error);
    return true;
  }

  /** Forgets an RPC that was never sent: it settles never, and holds nothing. */
  cancel(msgId: number): void {
    const pending = this.pending.get(msgId);
    if (pending === undefined) return;
    this.forget(msgId);
    clearTimeout(pending.timer);
  }

  get size(): number {
    return this.pending.size;
  }

  private forget(msgId: number): void {
    const pending = this.pending.get(msgId);
    if (pending === undefined) return;
    this.pending.delete(msgId);
    this.bytes -= pending.bytes;
  }
}
