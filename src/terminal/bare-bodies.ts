import { mayHoldLongMemberName } from '../json/long-names.js';
import { parseJsonWatched } from '../json/parse.js';
import { LARGE_LINE } from '../maelstrom/limits.js';

/** The client a bare body comes from: Maelstrom numbers its clients c1, c2, … */
export const TERMINAL_CLIENT_ID = 'c1';
/** Where a bare body goes before init has named the node: the id Maelstrom gives its first node. */
export const TERMINAL_NODE_ID = 'n1';

/**
 * Wraps a bare body, as a person types it (`{"type":"list"}`: a JSON object with a
 * string `type` and neither `body` nor `src`), in the envelope the node reads:
 * `{"src":"c1","dest":<the node's id>,"body":<the body>}`, with the next automatic
 * msg_id (1, 2, 3, …) unless the body has a msg_id of its own. Every other line is left
 * as it is, so an envelope typed in full is read as in a pipe, and so is any line of
 * LARGE_LINE characters or more, or with a member name too long to hash.
 */
export class BareBodies {
  private nextMsgId = 1;

  /** `nodeId` is the node's id once init has named it. */
  constructor(private readonly nodeId: () => string | undefined) {}

  /** The line the node reads for a line typed at it. */
  readonly wrap = (line: string): string => {
    // Parsed here whole, a large line could outgrow memory before the node's own watched parse sees it.
    if (line.length >= LARGE_LINE) return line;
    // The body is copied as typed, so its numbers keep every digit; it is parsed only to see its shape.
    const text = line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
    let value: unknown;
    try {
      // A member name too long to hash stops the node's own parser before it is made a key, and the
      // line is left as it is: without a src, the node can only log it.
      value = mayHoldLongMemberName(text) ? parseJsonWatched(text, () => {}) : JSON.parse(text);
    } catch {
      return line;
    }
    if (!isBareBody(value)) return line;
    let body = text.trim();
    if (!Object.hasOwn(value, 'msg_id')) body = `{"msg_id":${this.nextMsgId++},${body.slice(1)}`;
    const dest = JSON.stringify(this.nodeId() ?? TERMINAL_NODE_ID);
    return `{"src":${JSON.stringify(TERMINAL_CLIENT_ID)},"dest":${dest},"body":${body}}`;
  };
}

function isBareBody(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return (
    typeof (value as Record<string, unknown>).type === 'string' &&
    !Object.hasOwn(value, 'body') &&
    !Object.hasOwn(value, 'src')
  );
}
