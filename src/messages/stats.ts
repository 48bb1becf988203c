import * as z from 'zod';
import type { ReplyBody } from '../maelstrom/envelope.js';
import { setOwn, type JsonObject } from '../json/value.js';
import { type Context, defineMessage } from './message.js';

/** This node's figures: each is a counter or a size at hand, so stats costs no scan of the data. */
function figures({ store, counts }: Context): Record<string, unknown> {
  const memory = process.memoryUsage();
  return {
    projections: store.size,
    events_applied: store.eventsApplied,
    requests: counts.byType(),
    errors: counts.byCode(),
    uptime_ms: Math.round(process.uptime() * 1000),
    heap_used_bytes: memory.heapUsed,
    rss_bytes: memory.rss,
  };
}

/** A node's stats_ok body as figures: without its type and the ids of the exchange. */
function figuresOf({ type: _type, in_reply_to: _inReplyTo, msg_id: _msgId, ...rest }: ReplyBody): JsonObject {
  return rest;
}

export const stats = defineMessage({
  type: 'stats',
  schema: z.object({ cluster: z.boolean().optional() }),
  run(context, { body, nodeId }) {
    if (!body.cluster) return { type: 'stats_ok', ...figures(context) };
    const nodes: JsonObject = {};
    setOwn(nodes, nodeId, figures(context));
    return { type: 'stats_ok', nodes };
  },
  // With "cluster": true, every node is asked for its own figures; one that does not answer them is null.
  gather: {
    everywhere: (body) => body.cluster === true,
    ask: ({ cluster: _cluster, ...rest }) => rest,
    merge(answers) {
      const nodes: JsonObject = {};
      for (const { node, reply } of answers) setOwn(nodes, node, reply?.type === 'stats_ok' ? figuresOf(reply) : null);
      return { type: 'stats_ok', nodes };
    },
  },
});
