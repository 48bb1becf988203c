import type { NodeSettings } from './cli.js';
import { serveCluster } from './cluster/router.js';
import { PROJECTION_HANDLERS } from './handlers/index.js';
import type { Node } from './maelstrom/node.js';
import { ProjectionStore } from './projections/store.js';

/** Wires the projection handlers onto a node, with one store for this process. */
export function serveProjections(node: Node, settings: Pick<NodeSettings, 'rpcTimeoutMs'>): void {
  serveCluster(node, new ProjectionStore(), PROJECTION_HANDLERS, settings.rpcTimeoutMs);
}
