import type * as z from 'zod';
import type { ReplyBody } from '../maelstrom/envelope.js';
import type { BodySchema } from '../maelstrom/route.js';
import { ErrorCode, RpcError } from '../maelstrom/errors.js';
import { ProjectionError, type ProjectionErrorKind } from '../projections/errors.js';
import type { ProjectionStore } from '../projections/store.js';

/** One message type: its body schema, and how it turns a valid request into a reply. */
export interface RequestHandler<Schema extends BodySchema = BodySchema> {
  readonly type: string;
  readonly schema: Schema;
  /** The projection a request is about; requests about no one projection (list) have none. */
  readonly projectionOf?: (request: z.output<Schema>) => string;
  run(store: ProjectionStore, request: z.output<Schema>): ReplyBody;
}

/** Keeps the schema's type attached to `run`'s parameter. */
export function defineHandler<Schema extends BodySchema>(handler: RequestHandler<Schema>): RequestHandler<Schema> {
  return handler;
}

const CODES: Readonly<Record<ProjectionErrorKind, ErrorCode>> = {
  'not-found': ErrorCode.keyDoesNotExist,
  'already-exists': ErrorCode.keyAlreadyExists,
  'version-mismatch': ErrorCode.preconditionFailed,
  'invalid-event': ErrorCode.malformedRequest,
};

/**
 * Runs the handler on a request its schema has accepted. Domain refusals become
 * Maelstrom errors, and every error text starts with the message type.
 */
export function runHandler<Schema extends BodySchema>(
  handler: RequestHandler<Schema>,
  store: ProjectionStore,
  request: z.output<Schema>,
): ReplyBody {
  try {
    return handler.run(store, request);
  } catch (error) {
    if (error instanceof ProjectionError) throw new RpcError(CODES[error.kind], `${handler.type}: ${error.message}`);
    throw error;
  }
}
