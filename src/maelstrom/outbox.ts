import type { Writable } from 'node:stream';
import type { ReplyBody } from './envelope.js';
import { ErrorCode, errorBody, RpcError } from './errors.js';
import { BatchedWriter } from './output.js';
import type { ReplyCounts } from './reply-counts.js';
import { EnvelopeSerializer } from './serialize.js';

/** Why the replies of a batch cannot say what they say: each success among them becomes this error. */
export interface ReplyGateFailure {
  readonly code: ErrorCode;
  /** Follows the request's type, as in "update: …". */
  readonly text: string;
}

/**
 * Runs before any reply leaves, once per batch of output: it makes what the replies
 * acknowledge durable, or says why it could not.
 */
export type ReplyGate = () => ReplyGateFailure | undefined;

/**
 * A message written since the last flush, kept while a gate may still turn it into an
 * error. A success reply is kept without its body, which a failed gate replaces: held
 * messages outlive young-generation collections, and each collection copies them.
 */
interface HeldMessage {
  readonly src: string;
  readonly dest: string;
  /** Undefined for a reply to a request: the gate's error takes its place if the gate fails. */
  readonly body: ReplyBody | undefined;
  /** The code of such a reply, if it is an error. */
  readonly code: number | undefined;
  readonly inReplyTo: unknown;
  /**
   * The type of the request it answers, if a failed gate makes the reply untrue (a success, or
   * an error worked out on the state the gate undoes); undefined for a message this node sends
   * on its own, and for a reply that says nothing of the data.
   */
  readonly requestType: string | undefined;
}

/**
 * Where the node's messages go: serialized whole, gathered in batches, and, once a gate
 * is set, held until it passes.
 */
export class Outbox {
  readonly output: BatchedWriter;
  private readonly serializer = new EnvelopeSerializer();
  private gate: ReplyGate | undefined;
  private held: HeldMessage[] = [];
  private closed = false;

  /** `counts` learns of each success reply that a failed gate turns into an error. */
  constructor(
    stream: Writable,
    private readonly counts?: ReplyCounts,
  ) {
    this.output = new BatchedWriter(stream);
  }

  /** From now on, every batch of output leaves only once `gate` passes. */
  setGate(gate: ReplyGate): void {
    this.gate = gate;
    this.output.setBeforeFlush(() => this.passGate());
  }

  /**
   * Writes one message; `requestType` is the type of the request it answers, if a failed gate
   * makes it untrue. A message whose line would pass `maxLineBytes` is not written: error 12.
   */
  write(
    src: string,
    dest: string,
    body: ReplyBody,
    inReplyTo: unknown,
    requestType: string | undefined,
    maxLineBytes?: number,
  ): void {
    if (this.closed) return;
    const json = this.serializer.serialize(src, dest, body, inReplyTo);
    if (maxLineBytes !== undefined) checkLineBytes(json, maxLineBytes, dest, body.type);
    if (typeof json === 'string') this.output.write(json);
    else for (const part of json) this.output.write(part);
    if (this.gate) {
      // An error was worked out on the state the failed gate undoes, as a success was: neither may stand.
      if (requestType === undefined) this.held.push({ src, dest, body, inReplyTo, requestType, code: undefined });
      else {
        const code = body.type === 'error' && typeof body.code === 'number' ? body.code : undefined;
        this.held.push({ src, dest, body: undefined, inReplyTo, requestType, code });
      }
    }
  }

  /** Writes whatever is batched, then nothing more, so the output ends with a whole message. */
  close(): void {
    this.output.flush();
    this.closed = true;
  }

  /** Before output leaves: if the gate fails, every reply to a request in it becomes the gate's error. */
  private passGate(): void {
    if (!this.gate) return;
    const held = this.held;
    this.held = [];
    const failure = this.gate();
    if (!failure) return;
    this.output.discard();
    const gate = this.gate;
    // The errors replace what was held; nothing new is acknowledged by them, so they pass at once.
    this.gate = undefined;
    for (const { src, dest, body, inReplyTo, requestType, code } of held) {
      if (body === undefined) this.counts?.turnedInto(failure.code, code);
      const sent = body ?? errorBody(failure.code, `${requestType}: ${failure.text}`);
      this.write(src, dest, sent, inReplyTo, requestType);
    }
    this.gate = gate;
  }
}

/** Throws error 12 if the line `json` (less its newline) is longer than `maxBytes` of UTF-8. */
function checkLineBytes(
  json: string | readonly (string | Buffer)[],
  maxBytes: number,
  dest: string,
  type: string,
): void {
  const parts = typeof json === 'string' ? [json] : json;
  // A UTF-16 unit is at most 3 bytes of UTF-8: most lines are measured no further.
  let atMost = -3;
  for (const part of parts) atMost += typeof part === 'string' ? part.length * 3 : part.length;
  if (atMost <= maxBytes) return;
  let bytes = -1;
  for (const part of parts) bytes += typeof part === 'string' ? Buffer.byteLength(part) : part.length;
  if (bytes <= maxBytes) return;
  throw new RpcError(
    ErrorCode.malformedRequest,
    `${dest} was not asked: the ${type} would be ${bytes} bytes, over the ${maxBytes} that --max-line-bytes lets a node read`,
  );
}
