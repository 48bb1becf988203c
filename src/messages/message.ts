import type * as z from 'zod';
import type { Body, ReplyBody } from '../maelstrom/envelope.js';
import { ErrorCode, RpcError } from '../maelstrom/errors.js';
import type { ReplyCounts } from '../maelstrom/reply-counts.js';
import type { BodySchema } from '../maelstrom/route.js';
import { ProjectionError, type ProjectionErrorKind } from '../projections/errors.js';
import type { ProjectionStore } from '../projections/store.js';
import type { StateJsonCache } from '../state-json/state-json.js';
import type { Journal } from '../durable/journal.js';
import type { ArraySink, StreamHead } from '../maelstrom/stream.js';
import type { MemoryGuard } from './memory.js';
import type { StateRoom } from './state-size.js';

/** What a message works on: this node's projections, their JSON, and the guards on size and memory. */
export interface Context {
  readonly store: ProjectionStore;
  readonly json: StateJsonCache;
  readonly room: StateRoom;
  readonly memory: MemoryGuard;
  /** Where changes are recorded, with --data-dir. */
  readonly journal?: Journal;
  /** The replies this node has sent. */
  readonly counts: ReplyCounts;
  /** Where progress lines go (stderr), and the clock that paces them, in milliseconds. */
  readonly log?: (line: string) => void;
  readonly progressClock?: () => number;
}

/** A request as a message type sees it: its body as the schema outputs it, and its size. */
export interface Incoming<Fields> {
  readonly body: Fields;
  /** Length of the request's line, in characters: a bound on what its values can become. */
  readonly size: number;
  /** The id this node answers as: its init id, or before init the request's dest. */
  readonly nodeId: string;
  /** For a request whose array streamed in: what took its elements (its body holds a stand-in). */
  readonly streamed?: ArraySink;
}

/** One node's answer to a request asked of every node: its reply, or the error it failed with (a timeout, say). */
export type NodeAnswer =
  | { readonly node: string; readonly reply: ReplyBody; readonly error?: undefined }
  | { readonly node: string; readonly reply?: undefined; readonly error: RpcError };

/** A second round of a gather: what to ask which nodes, and how their answers make the one reply. */
export class AskAgain {
  constructor(
    /** The body to ask each node of this round, by node id; the others are not asked. */
    readonly asks: ReadonlyMap<string, Body>,
    /** The one reply, from the answers of the nodes asked, in node_ids order. */
    readonly merge: (answers: readonly NodeAnswer[]) => ReplyBody,
  ) {}
}

/** How a cluster answers a request about no one projection. */
export interface Gather<Fields> {
  /** Whether every node is asked; if not, the node asked answers alone. */
  everywhere(body: Fields): boolean;
  /** The body each node is asked, from the request's as it arrived: less what only the merge does. */
  ask(body: Body): Body;
  /** The one reply, from every node's answer in node_ids order, or a second round to ask first. */
  merge(answers: readonly NodeAnswer[], body: Fields): ReplyBody | AskAgain;
}

/** One message type: its body schema, and how it turns a valid request into a reply. */
export interface MessageType<Schema extends BodySchema = BodySchema> {
  readonly type: string;
  readonly schema: Schema;
  /** The projection a request is about: in a cluster, its owner answers. */
  readonly projectionOf?: (body: z.output<Schema>) => string;
  /** For a request about no one projection: when a cluster asks every node, and how it merges their answers. */
  readonly gather?: Gather<z.output<Schema>>;
  /**
   * For a write that may grow memory, how many copies of its request's values it may keep:
   * such requests wait while memory is at its limit.
   */
  readonly grows?: number;
  /** Whether it changes projections: such requests are refused while the data directory cannot take them. */
  readonly writes?: boolean;
  /**
   * Whether a write repeats one already made (a redelivered event_id): it takes no memory, so it
   * is answered while other writes wait for room. Not while the data directory refuses writes:
   * after a failed sync, the write it repeats may not be durable.
   */
  readonly repeats?: (context: Context, body: z.output<Schema>) => boolean;
  run(context: Context, request: Incoming<z.output<Schema>>): ReplyBody;
  /** Set when a request's array field may be taken as its line streams in, before the request is whole. */
  readonly stream?: {
    readonly field: string;
    open(context: Context, head: StreamHead): ArraySink | undefined;
  };
}

/** Keeps the schema's type attached to `run`'s parameter. */
export function defineMessage<Schema extends BodySchema>(message: MessageType<Schema>): MessageType<Schema> {
  return message;
}

const CODES: Readonly<Record<ProjectionErrorKind, ErrorCode>> = {
  'not-found': ErrorCode.keyDoesNotExist,
  'already-exists': ErrorCode.keyAlreadyExists,
  'version-mismatch': ErrorCode.preconditionFailed,
  'invalid-event': ErrorCode.malformedRequest,
};

/**
 * Runs a message on a request its schema has accepted. Domain refusals become
 * Maelstrom errors, and every error text starts with the message type.
 */
export function runMessage<Schema extends BodySchema>(
  message: MessageType<Schema>,
  context: Context,
  request: Incoming<z.output<Schema>>,
): ReplyBody {
  if (message.writes) context.journal?.checkWritable(message.type);
  // A streamed request was admitted a batch at a time as its elements arrived.
  if (message.grows) {
    try {
      context.memory.admit(message.type, request.streamed ? 0 : request.size, message.grows, request.body);
    } catch (error) {
      // Asked only of a refused write, so that the others pay nothing for it.
      if (!message.repeats?.(context, request.body)) throw error;
    }
  }
  try {
    return message.run(context, request);
  } catch (error) {
    if (error instanceof ProjectionError) throw new RpcError(CODES[error.kind], `${message.type}: ${error.message}`);
    throw error;
  }
}
