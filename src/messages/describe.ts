import * as z from 'zod';
import { defineMessage } from './message.js';
import { projectionName } from './schemas.js';

/** Whole seconds since the epoch as ISO 8601 UTC, to the second; null when not known (0). */
function timeText(seconds: number): string | null {
  return seconds === 0 ? null : `${new Date(seconds * 1000).toISOString().slice(0, 19)}Z`;
}

export const describe = defineMessage({
  type: 'describe',
  projectionOf: (body) => body.projection,
  schema: z.object({ projection: projectionName }),
  run({ store, json }, { body }) {
    const projection = store.read(body.projection);
    const { definition, state } = projection;
    return {
      type: 'describe_ok',
      projection: projection.name,
      version: projection.version,
      initial_state: projection.initialState,
      handlers: Object.fromEntries(definition.eventOps),
      key: definition.key,
      indexes: definition.indexes ?? [],
      kind: state.kind,
      size: state.size ?? null,
      json_bytes: json.of(projection).byteLength(),
      event_ids: projection.eventIdCount(),
      changed_at: timeText(projection.changedAt),
    };
  },
});
