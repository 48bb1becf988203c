import { ArrayStream } from '../json/array-stream.js';
import { LongMemberName, TooManyMembers } from '../json/parse.js';
import { nestsDeeperThan, setOwn, type JsonObject } from '../json/value.js';
import type { ArrayHead } from './head.js';
import type { Intake, IntakeOptions, Received } from './intake.js';
import { MAX_NESTING } from './limits.js';
import { NO_ROOM, parseWithinMemory } from './parse-room.js';
import type { ArraySink, StreamSpec } from './stream.js';

/** Unparsed text a streamed line may hold at once (one element, or what follows the array), whatever the cap. */
const MIN_HOLD_CHARS = 8 * 1024 * 1024;

/** A member name no sender uses, standing for the message and its body while the text after the array is parsed. */
const MARK = '\u0000';

/** An array nested deeper than any message may be: it stands for an element that nests too deep. */
const TOO_DEEP: unknown[] = [];
{
  let inner = TOO_DEEP;
  for (let level = 0; level < MAX_NESTING + 2; level++) {
    const next: unknown[] = [];
    inner.push(next);
    inner = next;
  }
}

type Failure = 'not-json' | 'oversize' | 'no-room' | 'many-members' | 'long-name';

/**
 * One line whose array streams: its elements go to the route's sink as they are
 * parsed, and at the line's end the message, with a stand-in for the array, is
 * classified as a whole line would be. Every answer is the one the whole line would
 * get, but for a line too long to hold: a line that is not JSON is logged and not
 * answered; the node that does not stream it (its sink declines, as a node that does
 * not own the projection does) holds it within the cap, as any line.
 */
export class StreamedLine {
  private sink: ArraySink | undefined;
  private array: ArrayStream | undefined;
  /** The pieces, for a line its route declined to stream. */
  private parts: string[] | undefined;
  private started = false;
  private bytesRead = 0;
  private tooDeep = false;
  /** Why the line cannot be answered as a request: not JSON, or too long to hold. */
  private failed: { readonly kind: Failure; readonly why: string } | undefined;

  constructor(
    private readonly intake: Intake,
    private readonly head: ArrayHead,
    private readonly spec: StreamSpec,
    private readonly headText: string,
    private readonly lineNumber: number,
    private readonly options: IntakeOptions,
  ) {}

  piece(text: string, bytesRead: number): void {
    this.bytesRead = bytesRead;
    if (!this.started) {
      this.started = true;
      this.open();
      text = this.array ? text.slice(this.head.offset) : text;
    }
    if (this.failed) return;
    if (this.parts) {
      this.parts.push(text);
      if (bytesRead > this.options.maxLineBytes + 1) this.fail('oversize', '');
      return;
    }
    try {
      this.array?.push(text);
    } catch (error) {
      this.failedOn(error);
    }
  }

  end(): Received | undefined {
    const { intake, lineNumber, headText } = this;
    if (this.parts && !this.failed) {
      const line = this.parts.join('');
      this.parts = undefined;
      if (Buffer.byteLength(line) > this.options.maxLineBytes) return intake.oversize(headText, lineNumber);
      return intake.receive(line, lineNumber);
    }
    let message: JsonObject | undefined;
    if (!this.failed) {
      try {
        message = this.message((this.array as ArrayStream).end());
      } catch (error) {
        this.failedOn(error);
      }
    }
    // An element or the text after the array outgrew memory as it was parsed: as a line too large to read now.
    if (this.failed?.kind === 'no-room') return intake.tooLargeNow(headText, this.bytesRead, lineNumber, true);
    if (this.failed?.kind === 'many-members') return intake.tooManyMembers(headText, lineNumber);
    if (this.failed?.kind === 'long-name') return intake.longMemberName(headText, lineNumber);
    if (this.failed?.kind === 'oversize' || !message) {
      if (this.failed?.kind === 'not-json') {
        return intake.unanswerable(lineNumber, `not JSON (${this.failed.why})`, headText);
      }
      return intake.oversize(headText, lineNumber);
    }
    const ours = message.body === this.body && !this.tailRedefinedArray;
    return intake.classify(message, headText, this.bytesRead, lineNumber, ours ? this.sink : undefined);
  }

  private body: JsonObject | undefined;
  private tailRedefinedArray = false;

  /** Asks the route for a sink; without one, the line is held whole within the cap, as any line. */
  private open(): void {
    const { top, body } = this.head;
    const sink = this.spec.open({
      src: top.get('src') as string,
      dest: top.get('dest'),
      body: Object.fromEntries(body),
    });
    if (!sink) {
      this.parts = [];
      return;
    }
    this.sink = sink;
    const hold = Math.max(this.options.maxLineBytes, MIN_HOLD_CHARS);
    this.array = new ArrayStream(
      (elements) => {
        // The batch stands for the array, two levels down from the message.
        if (!this.tooDeep && nestsDeeperThan(elements, MAX_NESTING - 2)) this.tooDeep = true;
        sink.take(elements, this.bytesRead);
      },
      hold,
      undefined,
      (text) => parseWithinMemory(text, this.options.canParse),
    );
  }

  /** The whole message, with a stand-in for the array, from the head and the text after the array. */
  private message(tail: string): JsonObject {
    const rest = parseWithinMemory(`{"\\u0000":{"\\u0000":0${tail}`, this.options.canParse) as JsonObject;
    const restBody = rest[MARK] as JsonObject;
    const message: JsonObject = {};
    for (const [name, value] of this.head.top) setOwn(message, name, value);
    const body: JsonObject = {};
    for (const [name, value] of this.head.body) setOwn(body, name, value);
    setOwn(body, this.spec.field, this.tooDeep ? [TOO_DEEP] : (this.sink as ArraySink).standIn());
    for (const name in restBody) {
      if (name === MARK) continue;
      if (name === this.spec.field) this.tailRedefinedArray = true;
      setOwn(body, name, restBody[name]);
    }
    setOwn(message, 'body', body);
    for (const name in rest) if (name !== MARK) setOwn(message, name, rest[name]);
    this.body = body;
    return message;
  }

  private failedOn(error: unknown): void {
    if (error === NO_ROOM) this.fail('no-room', '');
    else if (error instanceof TooManyMembers) this.fail('many-members', '');
    else if (error instanceof LongMemberName) this.fail('long-name', '');
    else if (error instanceof SyntaxError) this.fail('not-json', error.message);
    else if (error instanceof RangeError) this.fail('oversize', error.message);
    else throw error;
  }

  private fail(kind: Failure, why: string): void {
    this.failed ??= { kind, why };
    this.array = undefined;
    this.parts = undefined;
  }
}
