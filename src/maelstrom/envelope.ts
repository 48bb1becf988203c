import * as z from 'zod';
import { ExactNumber } from '../json/exact-number.js';
import { jsonTypeOf } from '../json/value.js';

/** A msg_id: any integer, however large or negative; one a double cannot hold arrives as an ExactNumber. */
export type MsgId = number | ExactNumber;

function isMsgId(value: unknown): value is MsgId {
  if (typeof value === 'number') return Number.isInteger(value);
  return value instanceof ExactNumber && value.isInteger;
}

/** Echoed as the reply's in_reply_to exactly as it came, so its value is never bounded. */
const msgId = z.custom<MsgId>(isMsgId, {
  error: ({ input }) => `must be an integer, got ${jsonTypeOf(input)}`,
});

/** The body fields the node itself reads: `{"type", "msg_id"?, "in_reply_to"?}`. */
const bodyHeaderShape = {
  type: z.string(),
  msg_id: msgId.optional(),
  in_reply_to: z.unknown().optional(),
};

/**
 * A Maelstrom message: `{"src", "dest", "body": {...}}`, with the body's header. The
 * rest of the body is kept for the handler, which checks it with its own schema.
 */
export const envelopeSchema = z.object({
  src: z.string(),
  dest: z.string(),
  body: z.looseObject(bodyHeaderShape),
});

export type Message = z.output<typeof envelopeSchema>;
export type Body = Message['body'];

/**
 * One schema for a whole request of one type: the envelope, the msg_id and the
 * handler's body fields, so a valid request costs one zod parse. Its type picked the
 * handler, and in_reply_to marks a reply, so neither needs checking here.
 */
export function requestSchema<Shape extends z.core.$ZodShape>(body: z.ZodObject<Shape>) {
  return z.object({ src: z.string(), dest: z.string(), body: body.extend({ msg_id: bodyHeaderShape.msg_id }) });
}

/** What a handler answers with; `in_reply_to` is added by the node. */
export interface ReplyBody {
  readonly type: string;
  readonly [field: string]: unknown;
}

/**
 * Whether a zod issue leaves nobody to answer: it is about the message itself (a
 * scalar, an array or null), its `src`, or its `body` as a whole.
 */
export function leavesNobodyToAnswer({ path }: z.core.$ZodIssue): boolean {
  return path.length === 0 || path[0] === 'src' || (path[0] === 'body' && path.length === 1);
}

/**
 * A message we can answer is an object with a string `src` and an object `body`: zod's
 * issues tell whether any of those failed, or only fields we can name in an error reply.
 */
export function isAnswerable(issues: readonly z.core.$ZodIssue[]): boolean {
  return !issues.some(leavesNobodyToAnswer);
}
