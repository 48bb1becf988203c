import * as z from 'zod';
import type { Body, ReplyBody } from '../maelstrom/envelope.js';
import { ErrorCode, RpcError } from '../maelstrom/errors.js';
import type { Node, Request } from '../maelstrom/node.js';
import { parseRequest } from '../maelstrom/validate.js';
import { runHandler, type RequestHandler } from '../handlers/registry.js';
import type { ProjectionStore } from '../projections/store.js';
import { ownerOf } from './rendezvous.js';

/** Node to node: "handle this client request here", from a node that does not own it. */
const forwardSchema = z.object({
  client: z.string(),
  request: z.looseObject({ type: z.string() }),
});

/**
 * Serves the projection handlers on a node. Alone (or before init) every request is
 * answered from the local store. In a cluster each projection name has one owner
 * (rendezvous hashing over node_ids): requests for it are forwarded there and the
 * owner's reply is relayed, and `list` asks every node. A forward that is not
 * answered in time is error 0, since the write may or may not have happened.
 */
export function serveCluster(
  node: Node,
  store: ProjectionStore,
  handlers: readonly RequestHandler[],
  rpcTimeoutMs: number,
): void {
  const byType = new Map(handlers.map((handler) => [handler.type, handler]));
  const isClustered = (): boolean => node.id !== undefined && node.nodeIds.length > 1 && node.nodeIds.includes(node.id);

  /** Asks `owner` to run the client's request there, as the client wrote it; its reply body comes back as ours. */
  const forward = async (owner: string, request: Request): Promise<Body> => {
    const { type } = request.rawBody;
    try {
      return await node.rpc(owner, { type: 'forward', client: request.src, request: request.rawBody }, rpcTimeoutMs);
    } catch (error) {
      if (!(error instanceof RpcError)) throw error;
      throw new RpcError(error.code, `${type}: ${error.message}; the ${type} may or may not have happened`);
    }
  };

  /** A request about no one projection (list) is asked of every node; the projections they name are merged. */
  const askEveryNode = async (handler: RequestHandler, request: Request): Promise<ReplyBody> => {
    const local = runHandler(handler, store, request.body);
    const parts = await Promise.all(
      node.nodeIds.map((nodeId) => (nodeId === node.id ? local : forward(nodeId, request))),
    );
    const failed = parts.find((part) => part.type !== local.type);
    if (failed) return failed;
    return { type: local.type, projections: parts.flatMap((part) => part.projections as unknown[]) };
  };

  for (const handler of handlers) {
    node.handle(handler.type, handler.schema, (request) => {
      if (!isClustered()) return runHandler(handler, store, request.body);
      if (!handler.projectionOf) return askEveryNode(handler, request);
      const owner = ownerOf(handler.projectionOf(request.body), node.nodeIds);
      if (owner === undefined || owner === node.id) return runHandler(handler, store, request.body);
      return forward(owner, request);
    });
  }

  node.handle(
    'forward',
    forwardSchema,
    ({ body }) => {
      const handler = byType.get(body.request.type);
      if (!handler) throw new RpcError(ErrorCode.notSupported, `forward: cannot forward ${JSON.stringify(body.request.type)}`);
      const request = parseRequest(handler.schema, body.request, handler.type);
      const name = handler.projectionOf?.(request);
      // Peers that disagree on node_ids must not split one projection between two owners.
      if (name !== undefined && ownerOf(name, node.nodeIds) !== node.id) {
        throw new RpcError(
          ErrorCode.malformedRequest,
          `${handler.type}: projection ${JSON.stringify(name)} is not owned by ${node.id ?? 'this node'}`,
        );
      }
      // Always answered here, never forwarded again: a forward loop is impossible.
      return runHandler(handler, store, request);
    },
    { peersOnly: true },
  );
}
