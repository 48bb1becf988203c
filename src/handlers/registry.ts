import type { z } from 'zod';
import type { ReplyBody } from '../maelstrom/envelope.js';
import { ErrorCode, RpcError } from '../maelstrom/errors.js';
import type { Node } from '../maelstrom/node.js';
import { parseRequest } from '../maelstrom/validate.js';
import { ProjectionError, type ProjectionErrorKind } from '../projections/errors.js';
import type { ProjectionStore } from '../projections/store.js';

/** One message type: its request schema, and how it turns a valid request into a reply. */
export interface RequestHandler<Schema extends z.ZodType = z.ZodType> {
  readonly type: string;
  readonly schema: Schema;
  /** The body field naming the projection the request is about, if any. */
  readonly projectionField?: string;
  run(store: ProjectionStore, request: z.output<Schema>): ReplyBody;
}

/** Keeps the schema's type attached to `run`'s parameter. */
export function defineHandler<Schema extends z.ZodType>(handler: RequestHandler<Schema>): RequestHandler<Schema> {
  return handler;
}

const CODES: Readonly<Record<ProjectionErrorKind, ErrorCode>> = {
  'not-found': ErrorCode.keyDoesNotExist,
  'already-exists': ErrorCode.keyAlreadyExists,
  'version-mismatch': ErrorCode.preconditionFailed,
  'invalid-event': ErrorCode.malformedRequest,
};

/** Validates `body` and runs the handler on the store; domain refusals become Maelstrom errors. */
export function runHandler(handler: RequestHandler, store: ProjectionStore, body: unknown): ReplyBody {
  const request = parseRequest(handler.schema, body);
  try {
    return handler.run(store, request);
  } catch (error) {
    if (error instanceof ProjectionError) throw new RpcError(CODES[error.kind], error.message);
    throw error;
  }
}

/** Registers every handler on a single node, all served from `store`. */
export function serveLocally(node: Node, store: ProjectionStore, handlers: readonly RequestHandler[]): void {
  for (const handler of handlers) node.handle(handler.type, (request) => runHandler(handler, store, request.body));
}
