import type * as z from 'zod';
import type { ReplyBody } from '../maelstrom/envelope.js';
import { ErrorCode, RpcError } from '../maelstrom/errors.js';
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

/**
 * Validates `body` and runs the handler on the store. Domain refusals become
 * Maelstrom errors, and every error text starts with the message type.
 */
export function runHandler(handler: RequestHandler, store: ProjectionStore, body: unknown): ReplyBody {
  const request = parseRequest(handler.schema, body, handler.type);
  try {
    return handler.run(store, request);
  } catch (error) {
    if (error instanceof ProjectionError) throw new RpcError(CODES[error.kind], `${handler.type}: ${error.message}`);
    throw error;
  }
}
