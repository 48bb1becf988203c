import type { Body } from './envelope.js';
import { ErrorCode, RpcError } from './errors.js';

interface PendingRpc {
  /** Only a reply from the node the request went to settles it. */
  readonly dest: string;
  readonly resolve: (body: Body) => void;
  readonly timer: NodeJS.Timeout;
}

/** The RPCs this node has sent and is waiting on, by msg_id. */
export class PendingRpcs {
  private readonly pending = new Map<number, PendingRpc>();
  private nextMsgId = 1;

  /**
   * Registers a request to `dest` and returns its msg_id and a promise of the reply
   * body; the promise rejects with error 0 (timeout) after `timeoutMs`, when the
   * outcome is unknown.
   */
  start(dest: string, timeoutMs: number): { msgId: number; reply: Promise<Body> } {
    const msgId = this.nextMsgId++;
    const reply = new Promise<Body>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(msgId);
        reject(new RpcError(ErrorCode.timeout, `${dest} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(msgId, { dest, resolve, timer });
    });
    return { msgId, reply };
  }

  /** Settles the RPC that `body` answers, if `src` is where it went; false if nothing waits for it. */
  settle(src: string, body: Body): boolean {
    const inReplyTo = body.in_reply_to;
    const pending = typeof inReplyTo === 'number' ? this.pending.get(inReplyTo) : undefined;
    if (pending?.dest !== src) return false;
    this.pending.delete(inReplyTo as number);
    clearTimeout(pending.timer);
    pending.resolve(body);
    return true;
  }

  get size(): number {
    return this.pending.size;
  }
}
