import type { Readable, Writable } from 'node:stream';
import * as z from 'zod';
import { mayBeInexact, parseJson } from '../json/parse.js';
import { isJsonObject, nestsDeeperThan, type JsonObject } from '../json/value.js';
import { LineSplitter } from '../lines/line-splitter.js';
import { HotSchema } from '../schema/hot-schema.js';
import { listOf } from '../schema/list.js';
import {
  envelopeSchema,
  isAnswerable,
  requestSchema,
  type Body,
  type Message,
  type ReplyBody,
} from './envelope.js';
import { ErrorCode, RpcError } from './errors.js';
import { BatchedWriter } from './output.js';
import { EnvelopeSerializer } from './serialize.js';
import { describeIssues, issuesWithInput, parseRequest } from './validate.js';

/** A body's fields as a schema outputs them. */
type BodyFields = Record<string, unknown>;

/** A request whose body its handler's schema has accepted. */
export interface Request<Fields = BodyFields> {
  readonly src: string;
  readonly dest: string;
  /** The body as the handler's schema outputs it. */
  readonly body: Fields;
  /** The body as it arrived: its type, its msg_id, and everything to relay unchanged. */
  readonly rawBody: Body;
}

/** Answers a request with a reply body, synchronously or later (e.g. after an RPC). */
export type Handler<Fields = BodyFields> = (request: Request<Fields>) => ReplyBody | Promise<ReplyBody>;

/** The fields of a body schema: what `handle` accepts. */
export type BodySchema = z.ZodObject<z.core.$ZodShape>;

/** A request its route's schema has accepted, with the schema's output. */
interface CheckedRequest {
  readonly route: Route;
  readonly body: BodyFields;
}

interface Route {
  /** The handler's body schema. */
  readonly body: z.ZodType<BodyFields>;
  /** The whole request at once: what a valid request is checked with. */
  readonly request: HotSchema<z.ZodType<{ body: BodyFields }>>;
  readonly handler: Handler;
  /** Node-to-node: only a peer named in init may send it; to anyone else the type does not exist. */
  readonly peersOnly: boolean;
}

export interface HandleOptions {
  /** Serve only messages from the other nodes named in init. */
  readonly peersOnly?: boolean;
}

export interface NodeOptions {
  readonly input: Readable;
  readonly output: Writable;
  /** Where diagnostics go, one line each; never the protocol output. */
  readonly log: (line: string) => void;
  /** Longest accepted input line in bytes; longer lines are dropped as they stream in. */
  readonly maxLineBytes?: number;
}

export const DEFAULT_MAX_LINE_BYTES = 256 * 1024 * 1024;
/** Deeper messages are refused: serializing them would overflow the stack. */
export const MAX_NESTING = 1000;
const PREVIEW_LENGTH = 120;

const initSchema = z.object({
  node_id: z.string().min(1, { error: 'must not be empty' }),
  node_ids: listOf(z.string()),
});

/** An answerable message that may still fail validation: a string `src` and an object `body`. */
interface RawEnvelope {
  readonly src: string;
  readonly dest?: unknown;
  readonly body: JsonObject;
}

interface PendingRpc {
  /** Only a reply from the node the request went to settles it. */
  readonly dest: string;
  readonly resolve: (body: Body) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * A Maelstrom node, after Maelstrom's Go `Node`: reads envelopes from `input`, calls
 * the handler registered for each body type, and writes exactly one reply per
 * request to `output`. It knows the protocol, not what the handlers do.
 */
export class Node {
  /** This node's id, from init; before init each reply comes from the request's `dest`. */
  id: string | undefined;
  nodeIds: readonly string[] = [];

  private readonly routes = new Map<string, Route>();
  /** Checks what no route's schema accepted; in a cluster, that includes every reply from a peer. */
  private readonly envelopes = new HotSchema(envelopeSchema);
  private readonly output: BatchedWriter;
  private readonly pendingRpcs = new Map<number, PendingRpc>();
  /** Replies still being worked out by async handlers; the node ends only after them. */
  private readonly inFlight = new Set<Promise<void>>();
  private nextMsgId = 1;
  /** mayBeInexact of the block of lines being received, worked out once for all of them. */
  private blockMayBeInexact = true;
  private stopped = false;
  private readonly serializer = new EnvelopeSerializer();

  constructor(private readonly options: NodeOptions) {
    this.output = new BatchedWriter(options.output);
    this.handle('init', initSchema, ({ body }) => {
      // A node's identity and peers are set once: a second init could hand its traffic to anyone.
      if (this.id !== undefined) {
        throw new RpcError(ErrorCode.preconditionFailed, `init: this node is already initialized as ${JSON.stringify(this.id)}`);
      }
      this.id = body.node_id;
      this.nodeIds = [...new Set(body.node_ids)];
      return { type: 'init_ok' };
    });
  }

  /** Serves requests of `type` whose body `schema` accepts; other bodies get error 12 naming each wrong field. */
  handle<Schema extends BodySchema>(
    type: string,
    schema: Schema,
    handler: Handler<z.output<Schema>>,
    options: HandleOptions = {},
  ): void {
    // Casts: a route holds handlers of every body type.
    this.routes.set(type, {
      peersOnly: options.peersOnly ?? false,
      body: schema as z.ZodType as Route['body'],
      request: new HotSchema(requestSchema(schema) as z.ZodType as z.ZodType<{ body: BodyFields }>),
      handler: handler as Handler,
    });
  }

  /** Reads input to its end, then waits for every reply to be written. */
  async run(): Promise<void> {
    const maxLineBytes = this.options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    const splitter = new LineSplitter(
      maxLineBytes,
      (line, lineNumber) => this.receive(line, lineNumber, this.blockMayBeInexact),
      (lineNumber) => this.options.log(`line ${lineNumber}: longer than --max-line-bytes (${maxLineBytes}); dropped`),
      (block) => (this.blockMayBeInexact = mayBeInexact(block)),
    );
    try {
      for await (const chunk of this.options.input) {
        splitter.push(chunk as Buffer);
        await this.output.drained();
      }
    } catch (error) {
      // Nothing more can be read, so the input has ended; what was read is still answered.
      this.options.log(`cannot read input any further (${(error as Error).message}); treating it as its end`);
    }
    splitter.end();
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
    await this.output.drained();
  }

  /** Whether `src` is another node named in init. */
  isPeer(src: string): boolean {
    return src !== this.id && this.nodeIds.includes(src);
  }

  /** RPCs sent and neither answered nor timed out yet. */
  get pendingRpcCount(): number {
    return this.pendingRpcs.size;
  }

  /**
   * For shutdown: writes whatever is batched, then nothing more, so the output ends
   * with a whole reply. Replies still being worked out are dropped.
   */
  stop(): void {
    this.output.flush();
    this.stopped = true;
  }

  reply(request: Message, body: ReplyBody): void {
    this.write(this.id ?? request.dest, request.src, body, request.body.msg_id);
  }

  send(dest: string, body: ReplyBody): void {
    this.write(this.id ?? '', dest, body, undefined);
  }

  /**
   * Sends `body` with a fresh msg_id and resolves with the reply body, or rejects with
   * error 0 (timeout) after `timeoutMs`: the outcome is then unknown.
   */
  rpc(dest: string, body: ReplyBody, timeoutMs: number): Promise<Body> {
    const msgId = this.nextMsgId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingRpcs.delete(msgId);
        reject(new RpcError(ErrorCode.timeout, `${dest} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pendingRpcs.set(msgId, { dest, resolve, timer });
      this.send(dest, { ...body, msg_id: msgId });
    });
  }

  /**
   * Handles one input line. Never throws: every failure becomes an error reply or a log
   * line. `blockMayBeInexact` is false when the text the line came from has no number a
   * double may not hold, which spares each line that check.
   */
  receive(line: string, lineNumber: number, blockMayBeInexact = true): void {
    // Skipped before parsing: an exception from JSON.parse costs microseconds, a million blank lines seconds.
    if (isBlank(line)) return;
    let parsed: unknown;
    try {
      const text = line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
      parsed = parseJson(text, blockMayBeInexact && mayBeInexact(text));
    } catch (error) {
      this.unanswerable(lineNumber, `not JSON (${(error as Error).message})`, line);
      return;
    }
    const route = this.routeOf(parsed);
    if (route) {
      const request = route.request.safeParse(parsed);
      // The schema accepted the whole message, so it is an envelope as it stands.
      if (request.success) {
        this.receiveMessage(parsed as Message, line, lineNumber, { route, body: request.data.body });
        return;
      }
    }
    // Replies, unknown types and invalid requests: checked layer by layer, so errors name the first layer that failed.
    const envelope = this.envelopes.safeParse(parsed);
    if (!envelope.success) {
      const issues = issuesWithInput(envelopeSchema, parsed);
      if (isAnswerable(issues.issues)) this.refuse(parsed as RawEnvelope, line, describeIssues(issues));
      else this.unanswerable(lineNumber, `cannot answer: ${describeIssues(issues)}`, line);
      return;
    }
    this.receiveMessage(envelope.data, line, lineNumber);
  }

  /** The route a message asks for by its body type, looked up before anything is checked. */
  private routeOf(parsed: unknown): Route | undefined {
    const body = isJsonObject(parsed) ? parsed.body : undefined;
    const type = isJsonObject(body) ? body.type : undefined;
    return typeof type === 'string' ? this.routes.get(type) : undefined;
  }

  /** `checked` is there when the route's schema has already accepted the message. */
  private receiveMessage(message: Message, line: string, lineNumber: number, checked?: CheckedRequest): void {
    const isReply = message.body.in_reply_to !== undefined;
    // Checked before any part of the message is echoed or logged: writing a deeper value overflows the stack.
    // A peer wraps a client's request in one more level to forward it.
    const tooDeep = nestingError(line, message, this.nodeIds.includes(message.src) ? MAX_NESTING + 1 : MAX_NESTING);
    if (tooDeep && isReply) this.options.log(`line ${lineNumber}: dropped reply from ${message.src}: ${tooDeep}`);
    else if (tooDeep) this.reply(message, errorBody(ErrorCode.malformedRequest, tooDeep));
    else if (isReply) this.settleRpc(message, lineNumber);
    else this.dispatch(message, checked);
  }

  /** Error 12 for a message with a string `src` and an object `body` that is not a valid request. */
  private refuse(raw: RawEnvelope, line: string, text: string): void {
    const tooDeep = nestingError(line, raw, MAX_NESTING);
    const msgId = raw.body.msg_id;
    // A msg_id that is an object or array may be what nests too deep, so it is not echoed.
    const inReplyTo = tooDeep && (isJsonObject(msgId) || Array.isArray(msgId)) ? undefined : msgId;
    const from = this.id ?? (typeof raw.dest === 'string' ? raw.dest : '');
    this.write(from, raw.src, errorBody(ErrorCode.malformedRequest, tooDeep ?? text), inReplyTo);
  }

  private dispatch(message: Message, checked: CheckedRequest | undefined): void {
    const { type } = message.body;
    const found = checked?.route ?? this.routes.get(type);
    const route = found?.peersOnly && !this.isPeer(message.src) ? undefined : found;
    if (!route) {
      const supported = [...this.routes].filter(([, { peersOnly }]) => !peersOnly).map(([name]) => name).join(', ');
      const text = `unsupported message type ${JSON.stringify(type)}; supported: ${supported}`;
      this.reply(message, errorBody(ErrorCode.notSupported, text));
      return;
    }
    try {
      const body = checked?.body ?? parseRequest(route.body, message.body, type);
      const result = route.handler({ src: message.src, dest: message.dest, body, rawBody: message.body });
      if (result instanceof Promise) this.replyLater(message, result);
      else this.reply(message, result);
    } catch (error) {
      this.reply(message, this.failure(type, error));
    }
  }

  private replyLater(request: Message, result: Promise<ReplyBody>): void {
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
    return errorBody(ErrorCode.crash, `${type}: internal error: ${error instanceof Error ? error.message : String(error)}`);
  }

  private settleRpc(message: Message, lineNumber: number): void {
    const { in_reply_to: inReplyTo } = message.body;
    const pending = typeof inReplyTo === 'number' ? this.pendingRpcs.get(inReplyTo) : undefined;
    if (pending?.dest !== message.src) {
      this.options.log(`line ${lineNumber}: dropped reply from ${message.src} to ${String(inReplyTo)}: no request is waiting for it`);
      return;
    }
    this.pendingRpcs.delete(inReplyTo as number);
    clearTimeout(pending.timer);
    pending.resolve(message.body);
  }

  private unanswerable(lineNumber: number, what: string, line: string): void {
    this.options.log(`line ${lineNumber}: ${what}: ${JSON.stringify(line.slice(0, PREVIEW_LENGTH))}`);
  }

  private write(src: string, dest: string, body: ReplyBody, inReplyTo: unknown): void {
    if (this.stopped) return;
    const json = this.serializer.serialize(src, dest, body, inReplyTo);
    if (typeof json === 'string') this.output.write(json);
    else for (const part of json) this.output.write(part);
  }
}

/** An empty line, or one of white space only; a message line starts with "{" and needs no further look. */
function isBlank(line: string): boolean {
  return line.length === 0 || (line.charCodeAt(0) !== 0x7b && line.trim() === '');
}

/** Why a message nests too deep to handle, if it does; each level takes a character, so only long lines can. */
function nestingError(line: string, message: unknown, limit: number): string | undefined {
  if (line.length <= limit || !nestsDeeperThan(message, limit)) return undefined;
  return `message nests deeper than ${limit} levels`;
}

export function errorBody(code: ErrorCode, text: string): ReplyBody {
  return { type: 'error', code, text };
}
