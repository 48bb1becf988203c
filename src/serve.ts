import { Cluster } from './cluster/cluster.js';
import { Journal, type JournalOptions } from './durable/journal.js';
import type { Node, Request } from './maelstrom/node.js';
import { defaultMaxMemoryMb, MemoryGuard } from './messages/memory.js';
import { runMessage, type Context, type MessageType } from './messages/message.js';
import { PROJECTION_MESSAGES } from './messages/index.js';
import { StateRoom } from './messages/state-size.js';
import { type Clock, ProjectionStore } from './projections/store.js';
import { StateJsonCache } from './state-json/state-json.js';

export interface ServeSettings {
  readonly rpcTimeoutMs: number;
  /** How many of the newest event ids each projection remembers (--dedup-window); every id if undefined. */
  readonly dedupWindow?: number;
  /** What lets writes wait (error 11) while memory is short; by default one at --max-memory-mb's default. */
  readonly memory?: MemoryGuard;
  /** The longest JSON a state may have, in characters; MAX_STATE_JSON unless a test sets less. */
  readonly maxStateJson?: number;
  /** Keeps the projections durable in a data directory (see Journal). */
  readonly durable?: Omit<JournalOptions, 'projections' | 'json'>;
  /** What stamps each change; the system clock unless a test sets another. */
  readonly clock?: Clock;
  /** Where a long rebuild's progress lines go, and the clock in milliseconds that paces them. */
  readonly log?: (line: string) => void;
  readonly progressClock?: () => number;
}

/**
 * Serves the projection messages on a node, from one store for this process: each
 * request is answered here. Once init names more than one node, the cluster layer
 * decides where each request is answered.
 */
export function serveProjections(node: Node, settings: ServeSettings): Journal | undefined {
  const store = new ProjectionStore({ dedupWindow: settings.dedupWindow, clock: settings.clock });
  const json = new StateJsonCache();
  const journal = settings.durable && new Journal({ ...settings.durable, projections: store, json });
  const context: Context = {
    store,
    json,
    room: new StateRoom(settings.maxStateJson),
    memory: settings.memory ?? new MemoryGuard(defaultMaxMemoryMb() * 1024 * 1024),
    counts: node.counts,
    ...(journal ? { journal } : {}),
    ...(settings.log ? { log: settings.log, progressClock: settings.progressClock ?? (() => performance.now()) } : {}),
  };
  // A node that is asked before any init keeps its data in the data directory itself.
  const openData = () => {
    if (node.id === undefined) journal?.openUnnamed();
  };
  const serveHere = (message: MessageType, request: Request) => {
    openData();
    const { body, size, streamed } = request;
    const nodeId = node.id ?? request.dest;
    return runMessage(message, context, streamed ? { body, size, nodeId, streamed } : { body, size, nodeId });
  };
  if (journal) node.setReplyGate(() => journal.commit());
  let cluster: Cluster | undefined;
  for (const message of PROJECTION_MESSAGES) {
    const { stream } = message;
    node.handle(
      message.type,
      message.schema,
      (request) => (cluster ? cluster.route(message, request) : serveHere(message, request)),
      stream
        ? {
            stream: {
              field: stream.field,
              // A request for a projection another node owns is forwarded whole, within the line cap.
              open: (head) => {
                if (cluster?.ownsOther(head.body)) return undefined;
                // The stream starts from the projection as loaded, before its request is served.
                openData();
                return stream.open(context, head);
              },
            },
          }
        : {},
    );
  }
  node.onInit(() => {
    if (node.id !== undefined) journal?.openFor(node.id);
    if (node.id !== undefined && node.nodeIds.length > 1) {
      cluster = new Cluster(node, PROJECTION_MESSAGES, serveHere, settings.rpcTimeoutMs);
    }
  });
  return journal;
}
