import type { NodeSettings } from './cli.js';
import { PROJECTION_HANDLERS } from './handlers/index.js';
import { serveLocally } from './handlers/registry.js';
import type { Node } from './maelstrom/node.js';
import { ProjectionStore } from './projections/store.js';

/** Wires the projection handlers onto a node, with one store for this process. */
export function serveProjections(node: Node, _settings: NodeSettings): void {
  serveLocally(node, new ProjectionStore(), PROJECTION_HANDLERS);
}
