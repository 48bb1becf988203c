import { ExactNumber } from '../json/exact-number.js';
import { LongMemberName, mayBeInexact, TooManyMembers } from '../json/parse.js';
import {
  isJsonObject,
  jsonTypeOf,
  MAX_MEMBER_NAME_LENGTH,
  MAX_MEMBERS,
  nestsDeeperThan,
  type JsonObject,
} from '../json/value.js';
import { BLOCK_BYTES, HEAD_CHARS, LineSplitter, type LineStream } from '../lines/line-splitter.js';
import { HotSchema } from '../schema/hot-schema.js';
import { envelopeSchema, isAnswerable, leavesNobodyToAnswer, type Message } from './envelope.js';
import { ErrorCode, shownType } from './errors.js';
import { readArrayHead, readHead } from './head.js';
import type { ArraySink } from './stream.js';
import { StreamedLine } from './streamed-line.js';
import { LARGE_LINE, MAX_NESTING, PREVIEW_LENGTH } from './limits.js';
import { NO_ROOM, parseWithinMemory } from './parse-room.js';
import type { BodyFields, Route } from './route.js';
import { describeIssues, issuesWithInput } from './validate.js';

/** What a line asks of the node. */
export type Received =
  /** A request; `route` and `body` are there when its route's schema has already accepted it. */
  | {
      readonly kind: 'request';
      readonly message: Message;
      /** The line's length in characters. */
      readonly size: number;
      readonly route?: Route;
      readonly body?: BodyFields;
      /** For a request whose array streamed in: what took its elements. */
      readonly streamed?: ArraySink;
    }
  /** A reply to an RPC of this node's. */
  | { readonly kind: 'reply'; readonly message: Message; readonly lineNumber: number }
  /** A reply from `src` that could not be read (`what` it was): the RPC it answers fails now, not at its timeout. */
  | {
      readonly kind: 'unread-reply';
      readonly src: string;
      readonly inReplyTo: unknown;
      readonly what: string;
      readonly lineNumber: number;
    }
  /** An error to `src` (code 12 unless said), for a message that can be answered but not served. */
  | {
      readonly kind: 'refused';
      readonly src: string;
      readonly dest: unknown;
      readonly msgId: unknown;
      readonly text: string;
      readonly code?: ErrorCode;
    };

export interface IntakeOptions {
  readonly maxLineBytes: number;
  /** Where diagnostics go, one line each. */
  readonly log: (line: string) => void;
  /** The route for a body type, if there is one. */
  readonly routeOf: (type: string) => Route | undefined;
  /** Whether `src` is another node of the cluster: a peer's forward nests one level deeper. */
  readonly isPeer: (src: string) => boolean;
  /**
   * Whether a line of this many characters may be parsed now; asked of large lines only,
   * before and (with 0) while they are parsed: false then stops the parse.
   */
  readonly canParse?: (size: number) => boolean;
  /** Whether a line of this many characters could be parsed at all, with nothing else in memory. */
  readonly couldParse?: (size: number) => boolean;
  /** Rewrites each line that is not blank before it is parsed. */
  readonly rewriteLine?: (line: string) => string;
  /** Takes each chunk back once no part of it is held here: the lines split from it are text by then. */
  readonly recycle?: (chunk: Buffer) => void;
  /** Added to the diagnostic of a line that looks like a body sent alone: an object with a string type, no src and no body. */
  readonly bareBodyHint?: string;
}

const NEWLINE = 0x0a;

/**
 * Input bytes to what they ask of the node: splits lines (size cap), parses them
 * (exact numbers), and classifies each as a request, a reply or a refusal. Lines that
 * cannot be answered are logged here, each once with its line number. Lines wait in a
 * queue, so the node can stop taking them while its output is backed up.
 */
export class Intake {
  private readonly splitter: LineSplitter;
  /** Checks what no route's schema accepted; in a cluster, that includes every reply from a peer. */
  private readonly envelopes = new HotSchema(envelopeSchema);
  /** Each queued line, or the head of a line over the cap. */
  private lines: string[] = [];
  private numbers: number[] = [];
  /** Per line: whether its block of text has a number a double may not hold, or that it is over the cap. */
  private kinds: LineKind[] = [];
  private next = 0;
  private blockInexact = true;
  /** What of the last chunk the splitter has not been given yet, from `fed` on. */
  private chunk: Buffer | undefined;
  private fed = 0;

  constructor(private readonly options: IntakeOptions) {
    this.splitter = new LineSplitter(
      options.maxLineBytes,
      (line, lineNumber) => this.queue(line, lineNumber, this.blockInexact ? LineKind.MayBeInexact : LineKind.Exact),
      (lineNumber, head) => this.queue(head, lineNumber, LineKind.Oversize),
      (block) => (this.blockInexact = mayBeInexact(block)),
      options.rewriteLine ? undefined : (head, lineNumber) => this.streamOf(head, lineNumber),
    );
  }

  /**
   * A long line streams if its head shows a request whose route streams its array,
   * with everything before the array a scalar. Its pieces are queued like lines, so
   * the lines before it are served first, and no more than a chunk waits.
   */
  private streamOf(head: string, lineNumber: number): LineStream | undefined {
    const found = readArrayHead(head);
    const type = found?.body.get('type');
    const route = typeof type === 'string' ? this.options.routeOf(type) : undefined;
    if (!found || !route?.stream || route.stream.field !== found.field || typeof found.top.get('src') !== 'string')
      return undefined;
    const line = new StreamedLine(this, found, route.stream, head, lineNumber, this.options);
    return {
      piece: (text, bytesRead) => {
        this.queue(text, bytesRead, LineKind.StreamPiece);
        this.streams.push(line);
      },
      end: () => {
        this.queue('', lineNumber, LineKind.StreamEnd);
        this.streams.push(line);
      },
    };
  }

  /** The streamed line of each queued piece and end, in order. */
  private streams: StreamedLine[] = [];

  /**
   * Takes a chunk, whose lines are queued as they are needed, a block of about
   * BLOCK_BYTES at a time: the lines of a whole chunk, parsed one by one, would outlive
   * several young-generation collections, each of which copies them.
   */
  push(chunk: Buffer): void {
    while (this.chunk) this.feed();
    this.chunk = chunk;
    this.fed = 0;
  }

  /** Queues the last line, if the input did not end with a newline. */
  end(): void {
    while (this.chunk) this.feed();
    this.splitter.end();
  }

  get hasLines(): boolean {
    while (this.next === this.lines.length && this.chunk) this.feed();
    return this.next < this.lines.length;
  }

  /**
   * Gives the splitter the next block of the chunk: whole lines where there are some,
   * else BLOCK_BYTES of a longer line, so that no piece of it is decoded into a string
   * in V8's large-object space (a 1 MiB piece made a streamed rebuild about 20% slower).
   */
  private feed(): void {
    const chunk = this.chunk as Buffer;
    const start = this.fed;
    let end = chunk.length;
    if (end - start > BLOCK_BYTES) {
      const last = chunk.lastIndexOf(NEWLINE, start + BLOCK_BYTES - 1);
      end = last >= start ? last + 1 : start + BLOCK_BYTES;
    }
    if (end === chunk.length) this.chunk = undefined;
    else this.fed = end;
    this.splitter.push(start === 0 && end === chunk.length ? chunk : chunk.subarray(start, end));
    // The splitter keeps text, never the bytes it was given.
    if (end === chunk.length) this.options.recycle?.(chunk);
  }

  /** Takes the next queued line: what it asks, or undefined if it asks nothing (blank, or logged as unanswerable). */
  take(): Received | undefined {
    const index = this.next++;
    const line = this.lines[index] as string;
    const lineNumber = this.numbers[index] as number;
    const kind = this.kinds[index] as LineKind;
    if (this.next === this.lines.length) {
      this.lines = [];
      this.numbers = [];
      this.kinds = [];
      this.next = 0;
    }
    if (kind === LineKind.StreamPiece) {
      (this.streams.shift() as StreamedLine).piece(line, lineNumber);
      return undefined;
    }
    if (kind === LineKind.StreamEnd) return (this.streams.shift() as StreamedLine).end();
    if (kind === LineKind.Oversize) return this.oversize(line, lineNumber);
    if (line.length >= LARGE_LINE && this.options.canParse?.(line.length) === false) {
      if (this.options.couldParse?.(line.length) === false) return this.tooLargeEver(line, lineNumber);
      return this.tooLargeNow(line, line.length, lineNumber);
    }
    return this.receive(line, lineNumber, kind === LineKind.MayBeInexact);
  }

  private queue(line: string, lineNumber: number, kind: LineKind): void {
    this.lines.push(line);
    this.numbers.push(lineNumber);
    this.kinds.push(kind);
  }

  /**
   * A line over the cap, dropped: answered with error 12 if its head names who sent it
   * and the msg_id to answer (every sender writes those before the payload), and is not
   * a reply; else logged.
   */
  oversize(head: string, lineNumber: number): Received | undefined {
    const { maxLineBytes, log } = this.options;
    const what = `longer than --max-line-bytes (${maxLineBytes})`;
    const { src, dest, type, msgId, inReplyTo } = readHead(head);
    if (src !== undefined && inReplyTo !== undefined) {
      const unread = `a message longer than --max-line-bytes allows (${maxLineBytes} bytes)`;
      return { kind: 'unread-reply', src, inReplyTo, what: unread, lineNumber };
    }
    if (!answersTo(src, msgId, inReplyTo)) {
      log(`line ${lineNumber}: ${what}; dropped`);
      return undefined;
    }
    log(`line ${lineNumber}: ${what}; dropped, and answered with error 12`);
    const text = `the message is longer than --max-line-bytes allows (${maxLineBytes} bytes), and was dropped unread`;
    return { kind: 'refused', src, dest, msgId, text: aboutType(type, text) };
  }

  /**
   * A large line of `size` characters that memory has no room for now: error 11 by its
   * head (`line`, or as much of its start as is kept), if the head names whom to answer.
   * `partly` when memory ran out while the line was being read, not before.
   */
  tooLargeNow(line: string, size: number, lineNumber: number, partly = false): Received | undefined {
    const what = `a message of ${Math.ceil(size / 2 ** 20)} MiB, for which memory has no room now`;
    const dropped = partly ? 'was dropped part way through' : 'was dropped unread';
    return this.refuseByHead(
      line,
      lineNumber,
      what,
      `${what}, ${dropped}; try again later`,
      ErrorCode.temporarilyUnavailable,
    );
  }

  /** A whole line too large for memory to parse, were nothing else there: error 12 by its head, as tooLargeNow. */
  private tooLargeEver(line: string, lineNumber: number): Received | undefined {
    const what = `a message of ${Math.ceil(line.length / 2 ** 20)} MiB, more than memory could ever hold`;
    return this.refuseByHead(line, lineNumber, what, `${what}, was dropped unread`, ErrorCode.malformedRequest);
  }

  /** A line with an object of more than MAX_MEMBERS members: error 12 by its head, as tooLargeNow. */
  tooManyMembers(line: string, lineNumber: number): Received | undefined {
    const what = `a message with an object of more than ${MAX_MEMBERS} members`;
    return this.refuseByHead(
      line,
      lineNumber,
      what,
      `${what}, more than the node can hold, was dropped`,
      ErrorCode.malformedRequest,
    );
  }

  /** A line with a member name longer than MAX_MEMBER_NAME_LENGTH: error 12 by its head, as tooLargeNow. */
  longMemberName(line: string, lineNumber: number): Received | undefined {
    const what = `a message with a member name longer than ${MAX_MEMBER_NAME_LENGTH} characters`;
    return this.refuseByHead(line, lineNumber, what, LONG_NAME_TEXT, ErrorCode.malformedRequest);
  }

  /** Logs a dropped line, and refuses it with `text` (after its type) if its head names whom to answer. */
  private refuseByHead(
    line: string,
    lineNumber: number,
    what: string,
    text: string,
    code: ErrorCode,
  ): Received | undefined {
    const { src, dest, type, msgId, inReplyTo } = readHead(line.slice(0, HEAD_CHARS));
    if (src !== undefined && inReplyTo !== undefined) return { kind: 'unread-reply', src, inReplyTo, what, lineNumber };
    if (!answersTo(src, msgId, inReplyTo)) {
      this.options.log(`line ${lineNumber}: ${what}; dropped`);
      return undefined;
    }
    this.options.log(`line ${lineNumber}: ${what}; dropped, and answered with error ${code}`);
    return { kind: 'refused', src, dest, msgId, text: aboutType(type, text), code };
  }

  /**
   * Classifies one line. Never throws. `blockMayBeInexact` is false when the text the
   * line came from has no number a double may not hold, which spares each line that check.
   */
  receive(input: string, lineNumber: number, blockMayBeInexact = true): Received | undefined {
    // Skipped before parsing: an exception from JSON.parse costs microseconds, a million blank lines seconds.
    if (isBlank(input)) return undefined;
    const line = this.options.rewriteLine?.(input) ?? input;
    // What a rewrite added was not in the block whose numbers were looked at.
    const checkNumbers = blockMayBeInexact || line !== input;
    let parsed: unknown;
    try {
      const text = line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
      parsed = parseWithinMemory(text, this.options.canParse, checkNumbers && mayBeInexact(text));
    } catch (error) {
      if (error === NO_ROOM) return this.tooLargeNow(line, line.length, lineNumber, true);
      if (error instanceof TooManyMembers) return this.tooManyMembers(line, lineNumber);
      if (error instanceof LongMemberName) return this.longMemberName(line, lineNumber);
      return this.unanswerable(lineNumber, `not JSON (${(error as Error).message})`, line);
    }
    return this.classify(parsed, line, line.length, lineNumber);
  }

  /**
   * Classifies a parsed line: `line` is its text, or as much of its start as is kept
   * (the whole is `size` characters). A streamed request's stand-in comes with what took
   * its array's elements.
   */
  classify(
    parsed: unknown,
    line: string,
    size: number,
    lineNumber: number,
    streamed?: ArraySink,
  ): Received | undefined {
    const route = this.routeOf(parsed);
    if (route) {
      const request = route.request.safeParse(parsed);
      // The schema accepted the whole message, so it is an envelope as it stands.
      if (request.success) return this.checked(parsed as Message, size, lineNumber, route, request.data.body, streamed);
    }
    // Replies, unknown types and invalid requests: checked layer by layer, so errors name the first layer that failed.
    const envelope = this.envelopes.safeParse(parsed);
    if (envelope.success) return this.checked(envelope.data, size, lineNumber);
    if (!isJsonObject(parsed)) {
      const what = parsed === null ? 'JSON null' : `a JSON ${jsonTypeOf(parsed)}`;
      return this.unanswerable(lineNumber, `cannot answer: the line is ${what}, not an object`, line);
    }
    // A reply, however malformed, is never answered: whoever waits for it judges it, and an
    // error sent back to a peer could be answered again, and so on without end.
    if (typeof parsed.src === 'string' && isJsonObject(parsed.body) && parsed.body.in_reply_to !== undefined)
      return this.checked(parsed as unknown as Message, size, lineNumber);
    const issues = issuesWithInput(envelopeSchema, parsed);
    if (!isAnswerable(issues.issues)) {
      // Only what leaves nobody to answer is named: a wrong dest alone would still be answered.
      const why = describeIssues({ issues: issues.issues.filter(leavesNobodyToAnswer) });
      const { bareBodyHint } = this.options;
      const bare =
        bareBodyHint !== undefined &&
        typeof parsed.type === 'string' &&
        parsed.src === undefined &&
        parsed.body === undefined;
      return this.unanswerable(lineNumber, `cannot answer: ${why}${bare ? ` (${bareBodyHint})` : ''}`, line);
    }
    const raw = parsed as { src: string; dest?: unknown; body: JsonObject };
    const tooDeep = nestingError(size, raw, MAX_NESTING);
    const msgId = raw.body.msg_id;
    // A msg_id that is an object or array may be what nests too deep, so it is not echoed.
    const echoed = tooDeep && (isJsonObject(msgId) || Array.isArray(msgId)) ? undefined : msgId;
    return {
      kind: 'refused',
      src: raw.src,
      dest: raw.dest,
      msgId: echoed,
      text: aboutType(raw.body.type, tooDeep ?? describeIssues(issues)),
    };
  }

  /** The route a message asks for by its body type, looked up before anything is checked. */
  private routeOf(parsed: unknown): Route | undefined {
    const body = isJsonObject(parsed) ? parsed.body : undefined;
    const type = isJsonObject(body) ? body.type : undefined;
    return typeof type === 'string' ? this.options.routeOf(type) : undefined;
  }

  /** A valid envelope: a request or a reply, unless it nests too deep to handle. */
  private checked(
    message: Message,
    size: number,
    lineNumber: number,
    route?: Route,
    body?: BodyFields,
    streamed?: ArraySink,
  ): Received | undefined {
    const isReply = message.body.in_reply_to !== undefined;
    // Checked before any part of the message is echoed or logged: writing a deeper value overflows the stack.
    // A peer wraps a client's request in one more level to forward it.
    const tooDeep = nestingError(size, message, this.options.isPeer(message.src) ? MAX_NESTING + 1 : MAX_NESTING);
    if (tooDeep && isReply) {
      this.options.log(`line ${lineNumber}: dropped reply from ${message.src}: ${tooDeep}`);
      return undefined;
    }
    if (tooDeep) {
      const text = aboutType(message.body.type, tooDeep);
      return { kind: 'refused', src: message.src, dest: message.dest, msgId: message.body.msg_id, text };
    }
    return isReply
      ? { kind: 'reply', message, lineNumber }
      : { kind: 'request', message, size, route, body, ...(streamed ? { streamed } : {}) };
  }

  unanswerable(lineNumber: number, what: string, line: string): undefined {
    this.options.log(`line ${lineNumber}: ${what}: ${JSON.stringify(line.slice(0, PREVIEW_LENGTH))}`);
    return undefined;
  }
}

/** What a queued line is. */
enum LineKind {
  Exact,
  MayBeInexact,
  /** Over the cap: only its head is kept. */
  Oversize,
  /** A piece of a streamed line; its number is the line's bytes read so far. */
  StreamPiece,
  /** The end of a streamed line. */
  StreamEnd,
}

/** Whether a dropped line's head names whom to answer and what: a sender and a msg_id, and it is no reply. */
function answersTo(src: string | undefined, msgId: unknown, inReplyTo: unknown): src is string {
  return src !== undefined && isInteger(msgId) && inReplyTo === undefined;
}

/** A msg_id this node can echo: an integer, a big one included. */
function isInteger(value: unknown): boolean {
  return Number.isSafeInteger(value) || (value instanceof ExactNumber && value.isInteger);
}

/** An error text starts with the message type, as every handler's does, when the body has one to name. */
function aboutType(type: unknown, text: string): string {
  return typeof type === 'string' && type !== '' ? `${shownType(type)}: ${text}` : text;
}

/** An empty line, or one of white space only; a message line starts with "{" and needs no further look. */
function isBlank(line: string): boolean {
  return line.length === 0 || (line.charCodeAt(0) !== 0x7b && line.trim() === '');
}

/** What a message with a member name too long to hash is answered with. */
const LONG_NAME_TEXT = `message has a member name longer than ${MAX_MEMBER_NAME_LENGTH} characters`;

/** Why a message nests too deep to handle, if it does; each level takes a character, so only long lines can. */
function nestingError(size: number, message: unknown, limit: number): string | undefined {
  if (size <= limit || !nestsDeeperThan(message, limit)) return undefined;
  return `message nests deeper than ${limit} levels`;
}
