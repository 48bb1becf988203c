import { finished, type Readable, type Writable } from 'node:stream';
import * as z from 'zod';
import { stringifyJson } from '../json/stringify.js';
import { HotSchema } from '../schema/hot-schema.js';
import { listOf } from '../schema/list.js';
import { requestSchema, type Body, type Message, type ReplyBody } from './envelope.js';
import { ErrorCode, errorBody, RpcError, shownType } from './errors.js';
import { Intake, type Received } from './intake.js';
import { DEFAULT_MAX_LINE_BYTES, PREVIEW_LENGTH } from './limits.js';
import { Outbox, type ReplyGate } from './outbox.js';
import type { BatchedWriter } from './output.js';
import type { BodyFields, BodySchema, Handler, Route } from './route.js';
import { ReplyCounts } from './reply-counts.js';
import { PendingRpcs } from './rpcs.js';
import type { ArraySink, StreamSpec } from './stream.js';
import { parseRequest } from './validate.js';

export type { ReplyGate, ReplyGateFailure } from './outbox.js';
export type { BodySchema, Handler, Request } from './route.js';

export interface NodeOptions {
  readonly input: Readable;
  readonly output: Writable;
  /** Where diagnostics go, one line each; never the protocol output. */
  readonly log: (line: string) => void;
  /** Longest accepted input line in bytes; longer lines are dropped as they stream in. */
  readonly maxLineBytes?: number;
  /** Whether a large line may be parsed now; one that may not is refused with error 11. */
  readonly canParse?: (size: number) => boolean;
  /** Whether a line of this many characters could be parsed at all (see IntakeOptions). */
  readonly couldParse?: (size: number) => boolean;
  /** Rewrites each input line that is not blank before it is read (a terminal wraps bare bodies here). */
  readonly rewriteLine?: (line: string) => string;
  /** Takes back each chunk of input once nothing here holds it, so that the input may read into it again. */
  readonly recycle?: (chunk: Buffer) => void;
  /** Added to the diagnostic of a line that looks like a body sent alone (see IntakeOptions). */
  readonly bareBodyHint?: string;
  /** The bound on what RPCs waiting for answers hold (MAX_PENDING_RPC_BYTES unless a test says otherwise). */
  readonly maxPendingRpcBytes?: number;
}

export interface HandleOptions {
  /** Serve only messages from the other nodes named in init. */
  readonly peersOnly?: boolean;
  /** Lets a long request's array stream to a sink as its line arrives (see StreamSpec). */
  readonly stream?: StreamSpec;
}

/** Node ids are short names (n1, n2, …); a bound keeps every lookup of them cheap. */
const MAX_NODE_ID_LENGTH = 1024;
const nodeId = z.string().max(MAX_NODE_ID_LENGTH, { error: `must be at most ${MAX_NODE_ID_LENGTH} characters` });

/**
 * The most node ids init may name: a node works out a projection's owner by one hash per
 * node (see Cluster), and a list asks every node. Maelstrom's clusters have a handful.
 */
const MAX_NODE_IDS = 128;

const initSchema = z.object({
  node_id: nodeId.min(1, { error: 'must not be empty' }),
  node_ids: listOf(nodeId, MAX_NODE_IDS),
});

/**
 * A Maelstrom node, after Maelstrom's Go `Node`: reads envelopes from `input`, calls
 * the handler registered for each body type, and writes exactly one reply per
 * request to `output`. It knows the protocol, not what the handlers do.
 */
export class Node {
  /** This node's id, from init; before init each reply comes from the request's `dest`. */
  id: string | undefined;
  nodeIds: readonly string[] = [];
  /** The other nodes named in init. */
  private peers: ReadonlySet<string> = new Set();

  private readonly routes = new Map<string, Route>();
  /** Every reply sent, by request type, and the errors among them by code. */
  readonly counts = new ReplyCounts((type) => this.routes.has(type));
  private readonly outbox: Outbox;
  private readonly output: BatchedWriter;
  private readonly rpcs: PendingRpcs;
  /** Replies still being worked out by async handlers; the node ends only after them. */
  private readonly inFlight = new Set<Promise<void>>();
  private readonly initialized: (() => void)[] = [];

  constructor(private readonly options: NodeOptions) {
    this.rpcs = new PendingRpcs(options.maxPendingRpcBytes);
    this.outbox = new Outbox(options.output, this.counts);
    this.output = this.outbox.output;
    this.handle('init', initSchema, ({ body }) => {
      // A node outside its own cluster would own no projection and still be asked for some.
      if (!body.node_ids.includes(body.node_id)) {
        throw new RpcError(
          ErrorCode.malformedRequest,
          `init: node_id ${JSON.stringify(body.node_id)} is not in node_ids`,
        );
      }
      // A node's identity and peers are set once: a second init could hand its traffic to anyone.
      if (this.id !== undefined) {
        throw new RpcError(
          ErrorCode.preconditionFailed,
          `init: this node is already initialized as ${JSON.stringify(this.id)}`,
        );
      }
      this.id = body.node_id;
      this.nodeIds = [...new Set(body.node_ids)];
      this.peers = new Set(this.nodeIds.filter((id) => id !== body.node_id));
      for (const callback of this.initialized) callback();
      return { type: 'init_ok' };
    });
  }

  /** Serves requests of `type` whose body `schema` accepts; other bodies get error 12 naming what is wrong. */
  handle<Schema extends BodySchema>(
    type: string,
    schema: Schema,
    handler: Handler<z.output<Schema>>,
    options: HandleOptions = {},
  ): void {
    if (this.routes.has(type)) throw new TypeError(`a handler for ${JSON.stringify(type)} is registered already`);
    // Casts: a route holds handlers of every body type.
    this.routes.set(type, {
      body: schema as z.ZodType as Route['body'],
      request: new HotSchema(requestSchema(schema) as z.ZodType as z.ZodType<{ body: BodyFields }>),
      handler: handler as Handler,
      peersOnly: options.peersOnly ?? false,
      ...(options.stream ? { stream: options.stream } : {}),
    });
  }

  /** From now on, every batch of output leaves only once `gate` passes. */
  setReplyGate(gate: ReplyGate): void {
    this.outbox.setGate(gate);
  }

  /** Calls `callback` once init has set this node's id and peers. */
  onInit(callback: () => void): void {
    this.initialized.push(callback);
  }

  /** Reads input to its end, then waits for every reply to be written. */
  async run(): Promise<void> {
    const intake = new Intake({
      maxLineBytes: this.options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
      log: this.options.log,
      routeOf: (type) => this.routes.get(type),
      isPeer: (src) => this.isPeer(src),
      ...(this.options.canParse ? { canParse: this.options.canParse } : {}),
      ...(this.options.couldParse ? { couldParse: this.options.couldParse } : {}),
      ...(this.options.rewriteLine ? { rewriteLine: this.options.rewriteLine } : {}),
      ...(this.options.recycle ? { recycle: this.options.recycle } : {}),
      ...(this.options.bareBodyHint ? { bareBodyHint: this.options.bareBodyHint } : {}),
    });
    const error = await this.read(intake);
    // Nothing more can be read, so the input has ended; what was read is still answered.
    if (error) this.options.log(`cannot read input any further (${error.message}); treating it as its end`);
    intake.end();
    await this.serve(intake);
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
    await this.output.drained();
  }

  /** Whether `src` is another node named in init. */
  isPeer(src: string): boolean {
    return this.peers.has(src);
  }

  /** RPCs sent and neither answered nor timed out yet. */
  get pendingRpcCount(): number {
    return this.rpcs.size;
  }

  /**
   * For shutdown: writes whatever is batched, then nothing more, so the output ends
   * with a whole reply. Replies still being worked out are dropped.
   */
  stop(): void {
    this.outbox.close();
  }

  reply(request: Message, body: ReplyBody): void {
    this.answer(request, body, request.body.type);
  }

  send(dest: string, body: ReplyBody): void {
    this.write(this.id ?? '', dest, body, undefined, undefined);
  }

  /**
   * Sends `body` with a fresh msg_id and resolves with the reply body, or rejects with
   * error 0 (timeout) after `timeoutMs`: the outcome is then unknown. `holds` is what the
   * caller keeps alive while it waits, in bytes. Throws error 11, sending nothing, when
   * the RPCs waiting already hold too much (see MAX_PENDING_RPC_BYTES), and error 12 when
   * the message would be a line longer than --max-line-bytes.
   */
  rpc(dest: string, body: ReplyBody, timeoutMs: number, holds = 0): Promise<Body> {
    const { msgId, reply } = this.rpcs.start(dest, timeoutMs, holds);
    // msg_id goes right after type: a line the receiver finds too long is still answered by its head.
    const { type, ...rest } = body;
    try {
      // Every node runs the same command line (as Maelstrom starts them): a longer line would be dropped unread there.
      const maxLineBytes = this.options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
      this.outbox.write(this.id ?? '', dest, { type, msg_id: msgId, ...rest }, undefined, undefined, maxLineBytes);
    } catch (error) {
      this.rpcs.cancel(msgId);
      if (!(error instanceof RangeError)) throw error;
      throw new RpcError(ErrorCode.malformedRequest, `${dest} was not asked: the ${type} would be too long to write`);
    }
    return reply;
  }

  /**
   * Serves each chunk of input as it arrives, in the 'data' event that brings it: no
   * promise or extra turn between a request and its reply. While the reader of the
   * output is behind, the input is paused. Resolves at the input's end, with the error
   * that ended it, if one did.
   */
  private read(intake: Intake): Promise<Error | undefined> {
    const input = this.options.input;
    return new Promise((resolve) => {
      let behind: Promise<void> | undefined;
      const take = (chunk: Buffer): void => {
        try {
          intake.push(chunk);
          if (behind || this.serveNow(intake)) return;
        } catch (error) {
          // Thrown out of here, it would stop the input: a file's would never be read again.
          this.logBug(error);
          return;
        }
        input.pause();
        behind = this.serve(intake).then(() => {
          behind = undefined;
          input.resume();
        });
      };
      input.on('data', take);
      finished(input, { writable: false }, (error) => {
        input.off('data', take);
        const ended = error ?? undefined;
        if (behind) void behind.then(() => resolve(ended));
        else resolve(ended);
      });
    });
  }

  /** Acts on the queued lines and flushes; false if the reader of the output is behind. */
  private serveNow(intake: Intake): boolean {
    while (intake.hasLines) {
      this.serveLine(intake);
      if (this.output.isBackedUp) return false;
    }
    this.output.flush();
    return !this.output.needsDrain;
  }

  /** Acts on the queued lines, pausing whenever the reader of the output is behind. */
  private async serve(intake: Intake): Promise<void> {
    while (!this.serveNow(intake)) await this.output.drained();
    await this.output.drained();
  }

  /** Takes the next line and acts on it: a bug costs that line, and the lines after it are still served. */
  private serveLine(intake: Intake): void {
    try {
      const received = intake.take();
      if (received) this.act(received);
    } catch (error) {
      this.logBug(error);
    }
  }

  private logBug(error: unknown): void {
    this.options.log(`internal error: ${error instanceof Error ? error.stack : String(error)}`);
  }

  private act(received: Received): void {
    switch (received.kind) {
      case 'request':
        this.dispatch(received.message, received.size, received.route, received.body, received.streamed);
        return;
      case 'reply': {
        const { message, lineNumber } = received;
        if (this.rpcs.settle(message.src, message.body)) return;
        const to = previewJson(message.body.in_reply_to);
        this.options.log(
          `line ${lineNumber}: dropped reply from ${message.src} to ${to}: no request is waiting for it`,
        );
        return;
      }
      case 'unread-reply': {
        const { src, inReplyTo, what, lineNumber } = received;
        const error = new RpcError(ErrorCode.crash, `${src} answered with ${what}, which was dropped unread`);
        const failed = this.rpcs.fail(src, inReplyTo, error);
        const to = previewJson(inReplyTo);
        this.options.log(
          `line ${lineNumber}: dropped reply from ${src} to ${to}, ${what}: ${failed ? 'the request it answers failed with error 13' : 'no request is waiting for it'}`,
        );
        return;
      }
      case 'refused': {
        const from = this.id ?? (typeof received.dest === 'string' ? received.dest : '');
        const body = errorBody(received.code ?? ErrorCode.malformedRequest, received.text);
        this.counts.sent(undefined, body);
        this.write(from, received.src, body, received.msgId, undefined);
      }
    }
  }

  /** `checked` is the route and body when the route's schema has already accepted the message. */
  private dispatch(
    message: Message,
    size: number,
    checkedRoute: Route | undefined,
    checkedBody: BodyFields | undefined,
    streamed?: ArraySink,
  ): void {
    const { type } = message.body;
    // An error sent back to a peer's message that asked for no reply could be answered again, without end.
    if (message.body.msg_id === undefined && this.isPeer(message.src)) {
      this.options.log(
        `dropped ${JSON.stringify(type)} from ${message.src}: a peer's message without msg_id gets no reply`,
      );
      return;
    }
    const found = checkedRoute ?? this.routes.get(type);
    const route = found?.peersOnly && !this.isPeer(message.src) ? undefined : found;
    if (!route) {
      const supported = [...this.routes].filter(([, { peersOnly }]) => !peersOnly).map(([name]) => name);
      const text = `unsupported message type ${JSON.stringify(shownType(type))}; supported: ${supported.join(', ')}`;
      // Counted under "other", as a type the node does not serve is: to this sender it serves none.
      this.answer(message, errorBody(ErrorCode.notSupported, text), undefined);
      return;
    }
    try {
      const body = checkedBody ?? parseRequest(route.body, message.body, type);
      const request = { src: message.src, dest: message.dest, body, rawBody: message.body, size };
      const result = route.handler(streamed ? { ...request, streamed } : request);
      if (result instanceof Promise) this.replyLater(message, result);
      else this.reply(message, result);
    } catch (error) {
      this.reply(message, this.failure(type, error));
    }
  }

  private replyLater(message: Message, result: Promise<ReplyBody>): void {
    // Only what the reply needs is kept while it is worked out: not the body, which may be large.
    const { src, dest, body } = message;
    const request: Message = { src, dest, body: { type: body.type, msg_id: body.msg_id } };
    const done = result.then(
      (body) => this.reply(request, body),
      (error: unknown) => this.reply(request, this.failure(request.body.type, error)),
    );
    const tracked = done.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  private failure(type: string, error: unknown): ReplyBody {
    if (error instanceof RpcError) return errorBody(error.code, error.message);
    this.options.log(`internal error in ${type}: ${error instanceof Error ? error.stack : String(error)}`);
    return errorBody(
      ErrorCode.crash,
      `${type}: internal error: ${error instanceof Error ? error.message : String(error)}`,
    );
  }

  /** Replies to `request`, counted in stats under `countedAs` (undefined: "other"). */
  private answer(request: Message, body: ReplyBody, countedAs: string | undefined): void {
    this.counts.sent(countedAs, body);
    // init_ok says nothing of the data, so a reply gate that fails leaves it true: init took effect.
    const gated = request.body.type === 'init' ? undefined : request.body.type;
    this.write(this.id ?? request.dest, request.src, body, request.body.msg_id, gated);
  }

  /**
   * Writes one message. One too long for a string (it repeats what a request sent) is
   * answered with error 13 instead, and, if even that cannot be written (its dest is that
   * long), dropped with a diagnostic.
   */
  private write(src: string, dest: string, body: ReplyBody, inReplyTo: unknown, requestType: string | undefined): void {
    try {
      this.outbox.write(src, dest, body, inReplyTo, requestType);
      return;
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      this.options.log(`a message to ${previewJson(dest)} could not be written (${error.message}): error 13 instead`);
    }
    const failed = errorBody(ErrorCode.crash, 'internal error: the reply is too long to be written');
    try {
      // An id of another type than a number may be what made it too long.
      this.outbox.write(src, dest, failed, typeof inReplyTo === 'number' ? inReplyTo : undefined, requestType);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      this.options.log(`an error 13 to ${previewJson(dest)} could not be written (${error.message}): dropped`);
    }
  }
}

/** A value as JSON, for a diagnostic: at most PREVIEW_LENGTH characters of it. */
function previewJson(value: unknown): string {
  if (typeof value === 'string' && value.length > PREVIEW_LENGTH) value = value.slice(0, PREVIEW_LENGTH);
  return stringifyJson(value).slice(0, PREVIEW_LENGTH);
}
