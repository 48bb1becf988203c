import type * as z from 'zod';
import type { HotSchema } from '../schema/hot-schema.js';
import type { Body, ReplyBody } from './envelope.js';
import type { ArraySink, StreamSpec } from './stream.js';

/** A body's fields as a schema outputs them. */
export type BodyFields = Record<string, unknown>;

/** A request whose body its handler's schema has accepted. */
export interface Request<Fields = BodyFields> {
  readonly src: string;
  readonly dest: string;
  /** The body as the handler's schema outputs it. */
  readonly body: Fields;
  /** The body as it arrived: its type, its msg_id, and everything to relay unchanged. */
  readonly rawBody: Body;
  /** Length of the request's line, in characters: a bound on how large its values can become. */
  readonly size: number;
  /** For a request whose array streamed in: the sink that took its elements (the body holds a stand-in). */
  readonly streamed?: ArraySink;
}

/** Answers a request with a reply body, synchronously or later (e.g. after an RPC). */
export type Handler<Fields = BodyFields> = (request: Request<Fields>) => ReplyBody | Promise<ReplyBody>;

/** The fields of a body schema: what `handle` accepts. */
export type BodySchema = z.ZodObject<z.core.$ZodShape>;

/** What the node serves for one body type. */
export interface Route {
  /** The handler's body schema. */
  readonly body: z.ZodType<BodyFields>;
  /** The whole request at once: what a valid request is checked with. */
  readonly request: HotSchema<z.ZodType<{ body: BodyFields }>>;
  readonly handler: Handler;
  /** Node-to-node: only a peer named in init may send it; to anyone else the type does not exist. */
  readonly peersOnly: boolean;
  /** Set when the route's requests may stream. */
  readonly stream?: StreamSpec;
}
