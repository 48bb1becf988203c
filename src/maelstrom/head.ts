import { parseJson } from '../json/parse.js';

/** What the start of a line says about the message, where it says it plainly. */
export interface Head {
  readonly src?: string;
  readonly dest?: string;
  readonly type?: string;
  readonly msgId?: unknown;
  /** Set when the body says it is a reply: such a message is never answered. */
  readonly inReplyTo?: unknown;
}

const WHITE = /[ \t\n\r]*/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;

/** Reads JSON tokens from the start of a text that may be cut off anywhere. */
class Tokens {
  private at = 0;

  constructor(private readonly text: string) {}

  /** The next character, after white space; undefined at the end. */
  peek(): string | undefined {
    WHITE.lastIndex = this.at;
    WHITE.exec(this.text);
    this.at = WHITE.lastIndex;
    return this.text[this.at];
  }

  skip(): void {
    this.at++;
  }

  /** Where the next token starts. */
  get position(): number {
    return this.at;
  }

  /** A whole token matching `pattern`, not cut off by the end of the text; undefined otherwise. */
  token(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.at;
    const match = pattern.exec(this.text);
    if (!match || pattern.lastIndex >= this.text.length) return undefined;
    this.at = pattern.lastIndex;
    return match[0];
  }
}

/** A string, number, true, false or null; undefined for a container or anything cut off. */
function scalar(tokens: Tokens): { value: unknown } | undefined {
  const next = tokens.peek();
  const text =
    next === '"'
      ? tokens.token(STRING)
      : next === '-' || (next !== undefined && next >= '0' && next <= '9')
        ? tokens.token(NUMBER)
        : tokens.token(LITERAL);
  return text === undefined ? undefined : { value: parseJson(text) };
}

/** The value of a member that is there, but not as a whole scalar. */
const UNKNOWN = Symbol('unknown');

/**
 * Reads the members of an object whose "{" was just taken, until the first value that
 * is not a scalar (or the end); `nested` reads such a member's object instead, once.
 * Returns the scalars by name, and the member it stopped at as UNKNOWN.
 */
function members(tokens: Tokens, nested?: { name: string; read: () => boolean }): Map<string, unknown> {
  const found = new Map<string, unknown>();
  for (;;) {
    if (tokens.peek() === '}') return found;
    const name = tokens.peek() === '"' ? tokens.token(STRING) : undefined;
    if (name === undefined || tokens.peek() !== ':') return found;
    tokens.skip();
    const key = JSON.parse(name) as string;
    if (tokens.peek() === '{' && nested?.name === key) {
      tokens.skip();
      if (!nested.read()) return found;
    } else {
      const value = scalar(tokens);
      // A member whose value is an object, an array or cut off is there, with a value unknown.
      found.set(key, value === undefined ? UNKNOWN : value.value);
      if (value === undefined) return found;
    }
    if (tokens.peek() !== ',') return found;
    tokens.skip();
  }
}

/**
 * The envelope fields a cut-off line names before its payload: `src` and `dest`, and
 * the body's `type`, `msg_id` and `in_reply_to`, each only where it stands at its own level.
 */
export function readHead(text: string): Head {
  const tokens = new Tokens(text);
  if (tokens.peek() !== '{') return {};
  tokens.skip();
  let body = new Map<string, unknown>();
  const top = members(tokens, {
    name: 'body',
    read: () => {
      body = members(tokens);
      if (tokens.peek() !== '}') return false;
      tokens.skip();
      return true;
    },
  });
  const known = (value: unknown): unknown => (value === UNKNOWN ? undefined : value);
  const stringAt = (map: Map<string, unknown>, key: string): string | undefined => {
    const value = map.get(key);
    return typeof value === 'string' ? value : undefined;
  };
  return {
    src: stringAt(top, 'src'),
    dest: stringAt(top, 'dest'),
    type: stringAt(body, 'type'),
    msgId: known(body.get('msg_id')),
    // An in_reply_to that is an object, an array or cut off still makes the message a reply.
    inReplyTo: body.get('in_reply_to'),
  };
}

/** What a line names before the first array in its body: where a request may start to stream. */
export interface ArrayHead {
  /** The message's members before `body`, and the body's before the array: scalars all. */
  readonly top: ReadonlyMap<string, unknown>;
  readonly body: ReadonlyMap<string, unknown>;
  /** The body member whose value is the array. */
  readonly field: string;
  /** Where the array's elements start, just after its "[". */
  readonly offset: number;
}

/** The body member that `tokens` is at, if it is a name followed by ":"; undefined otherwise. */
function memberName(tokens: Tokens): string | undefined {
  const name = tokens.peek() === '"' ? tokens.token(STRING) : undefined;
  if (name === undefined || tokens.peek() !== ':') return undefined;
  tokens.skip();
  return JSON.parse(name) as string;
}

/**
 * Reads a line's start up to the first array in its body, if every member before it,
 * in the message and in its body, is a scalar; undefined otherwise.
 */
export function readArrayHead(text: string): ArrayHead | undefined {
  const tokens = new Tokens(text);
  if (tokens.peek() !== '{') return undefined;
  tokens.skip();
  const top = new Map<string, unknown>();
  const body = new Map<string, unknown>();
  let inBody = false;
  for (;;) {
    const name = memberName(tokens);
    if (name === undefined) return undefined;
    const next = tokens.peek();
    if (!inBody && name === 'body' && next === '{') {
      tokens.skip();
      inBody = true;
      continue;
    }
    if (inBody && next === '[') {
      tokens.skip();
      return { top, body, field: name, offset: tokens.position };
    }
    const value = scalar(tokens);
    if (value === undefined) return undefined;
    (inBody ? body : top).set(name, value.value);
    if (tokens.peek() !== ',') return undefined;
    tokens.skip();
  }
}
