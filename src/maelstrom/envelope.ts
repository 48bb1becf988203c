import * as z from 'zod';
import { isJsonObject, type JsonObject } from '../json/value.js';

/** A Maelstrom message: `{"src", "dest", "body": {...}}`. The body is checked apart. */
export const envelopeSchema = z.object({
  src: z.string(),
  dest: z.string(),
  // Checked, not copied: each handler parses the body with its own schema.
  body: z.custom<JsonObject>(isJsonObject, { error: 'must be an object' }),
});

/** The body fields the node itself reads: `{"type", "msg_id"?, "in_reply_to"?}`. */
export const bodyHeaderSchema = z.object({
  type: z.string(),
  msg_id: z.int().optional(),
  in_reply_to: z.unknown().optional(),
});

export type Body = z.output<typeof bodyHeaderSchema> & JsonObject;
export type Message = Omit<z.output<typeof envelopeSchema>, 'body'> & { readonly body: Body };

/** What a handler answers with; `in_reply_to` is added by the node. */
export interface ReplyBody {
  readonly type: string;
  readonly [field: string]: unknown;
}

/**
 * A message we can answer is an object with a string `src` and an object `body`: zod's
 * issues tell whether any of those failed (an issue with an empty path is about the
 * message itself: a scalar, an array or null), or only fields we can name in an error reply.
 */
export function isAnswerable(issues: readonly z.core.$ZodIssue[]): boolean {
  return issues.every(({ path }) => path.length > 0 && path[0] !== 'src' && !(path[0] === 'body' && path.length === 1));
}
