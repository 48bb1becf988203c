import { stringifyJson } from '../json/stringify.js';
import { JsonFragment } from '../json/value.js';
import type { ReplyBody } from './envelope.js';

/** One envelope's JSON line: text, or text and cached Buffers in order. */
export type EnvelopeJson = string | readonly (string | Buffer)[];

/** A text and its making, cached only up to this length: clients choose their own ids, of any length. */
const CACHEABLE_LENGTH = 256;
/** Bound on one memo, in UTF-16 units of keys and texts together. */
const MEMO_CHARS = 1024 * 1024;

/** `make`, remembered for the few short strings every reply repeats: node ids, types, field names. */
export class Memo {
  private readonly cache = new Map<string, string>();
  private chars = 0;

  constructor(private readonly make: (text: string) => string) {}

  get(text: string): string {
    let made = this.cache.get(text);
    if (made !== undefined) return made;
    made = this.make(text);
    const cost = text.length + made.length;
    if (cost > CACHEABLE_LENGTH) return made;
    if (this.chars + cost > MEMO_CHARS) {
      this.cache.clear();
      this.chars = 0;
    }
    this.cache.set(text, made);
    this.chars += cost;
    return made;
  }

  /** What the cache holds, in UTF-16 units. */
  get cachedChars(): number {
    return this.chars;
  }
}

const quoted = new Memo((text) => JSON.stringify(text));
/** `,"field":` */
const memberHead = new Memo((field) => `,${JSON.stringify(field)}:`);

function valueJson(value: unknown): string {
  return typeof value === 'number' ? String(value) : stringifyJson(value);
}

/**
 * Serializes envelopes: fields in body order, `in_reply_to` second, fragments as-is.
 * Most pieces are cached, so a reply costs few concatenations. The whole envelope is
 * built before any of it is written, so a failure never leaves half a line.
 */
export class EnvelopeSerializer {
  /** `{"src":…,"dest":…,"body":{"type":` by dest, for one src at a time: this node's id, once it has one. */
  private heads: { readonly src: string; readonly memo: Memo } | undefined;

  serialize(src: string, dest: string, body: ReplyBody, inReplyTo: unknown): EnvelopeJson {
    let parts: (string | Buffer)[] | undefined;
    let text = this.head(src, dest) + quoted.get(body.type);
    if (inReplyTo !== undefined) text += `,"in_reply_to":${valueJson(inReplyTo)}`;
    for (const field in body) {
      const value = body[field];
      if (field === 'type' || field === 'in_reply_to' || value === undefined) continue;
      text += memberHead.get(field);
      if (value instanceof JsonFragment) {
        const first = value.parts[0];
        if (typeof first === 'string' && value.parts.length === 1) {
          // Text already: joined in, as a value would be, so the reply stays one string.
          text += first;
          continue;
        }
        parts ??= [];
        parts.push(text, ...value.parts);
        text = '';
      } else {
        text += valueJson(value);
      }
    }
    text += '}}\n';
    if (parts === undefined) return text;
    parts.push(text);
    return parts;
  }

  /** The cached heads, in UTF-16 units. */
  get cachedChars(): number {
    return this.heads?.memo.cachedChars ?? 0;
  }

  private head(src: string, dest: string): string {
    if (this.heads?.src !== src) {
      const from = `{"src":${JSON.stringify(src)},"dest":`;
      this.heads = { src, memo: new Memo((to) => `${from}${JSON.stringify(to)},"body":{"type":`) };
    }
    return this.heads.memo.get(dest);
  }
}
