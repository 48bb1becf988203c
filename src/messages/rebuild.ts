import * as z from 'zod';
import { ErrorCode, RpcError } from '../maelstrom/errors.js';
import { isJsonObject, jsonTypeOf } from '../json/value.js';
import { anyList, checkElements } from '../schema/list.js';
import type { ProjectionEvent, Replay } from '../projections/projection.js';
import type { RebuildResult } from '../projections/store.js';
import { defineMessage } from './message.js';
import { RebuildProgress, RebuildStream } from './rebuild-stream.js';
import { event, hotEvent, projectionName, writeFields } from './schemas.js';
import { EMPTY_ARRAY_LENGTH } from './state-size.js';

/** "skip": an event that is invalid or that the state refuses is passed over, not the rebuild's end. */
const onError = z.literal('skip', {
  error: ({ input }) =>
    `must be "skip", got ${typeof input === 'string' ? JSON.stringify(input.slice(0, 64)) : jsonTypeOf(input)}`,
});

const schema = z
  .object({ ...writeFields, on_error: onError.optional(), events: anyList() })
  // Without on_error, the events are checked up to the first bad one, which fails the request.
  .superRefine(
    (body, context) => {
      if (!isJsonObject(body) || body.on_error === 'skip' || !Array.isArray(body.events)) return;
      checkElements(event, hotEvent, body.events, ['events'], (issue) => context.addIssue(issue));
    },
    // Also when another field is wrong: the error names every field that is.
    { when: () => true },
  );

export const rebuild = defineMessage({
  type: 'rebuild',
  projectionOf: (body) => body.projection,
  grows: 1,
  writes: true,
  schema,
  run(context, { body, size, streamed }) {
    const { store, json, room, journal } = context;
    const skip = body.on_error === 'skip';
    const existing = store.get(body.projection);
    // The result is at most the initial state with every event of this request merged in.
    const initial = existing ? json.of(existing).initialLength() : EMPTY_ARRAY_LENGTH;
    /** Refuses a result too long to reply with or to record, before it is put in place; `inputSize` bounds its JSON. */
    const checkResult = (replay: Replay, inputSize: number): void => {
      const record = journal?.room.stateLimit(body.projection, replay.projection, replay.ids?.size ?? 0);
      room.check('rebuild', 0, replay.state.value(), initial + inputSize, record);
    };
    let result: RebuildResult;
    let stream: RebuildStream | undefined;
    if (streamed !== undefined || skip) {
      if (streamed !== undefined && !(streamed instanceof RebuildStream && streamed.name === body.projection)) {
        throw new RpcError(ErrorCode.malformedRequest, 'rebuild: projection is given twice, with different values');
      }
      stream = streamed ?? new RebuildStream(context, body.projection);
      if (!streamed) stream.take(body.events, size);
      const replay = stream.finish(skip, body.expected_version);
      checkResult(replay, Math.max(size, stream.size));
      result = store.commit(replay, body.expected_version);
    } else {
      // A line read whole (a short one, or one a peer forwarded) tells its progress too.
      const progress = new RebuildProgress(context, body.projection);
      result = store.rebuild(
        body.projection, // Checked by the schema's refinement: without on_error every event is valid here.
        body.events as readonly ProjectionEvent[],
        body.expected_version,
        (replay) => checkResult(replay, size),
        (applied) => progress.tell(applied, size),
      );
    }
    const { projection, eventsProcessed } = result;
    // The result, not the events: a restart loads it without replaying them.
    journal?.record({ op: 'image', projection, state: json.of(projection).json() });
    return {
      type: 'projection_rebuilt',
      projection: projection.name,
      events_processed: eventsProcessed,
      version: projection.version,
      ...(stream && skip ? stream.skipped() : {}),
    };
  },
  stream: {
    field: 'events',
    open(context, head) {
      const name = projectionName.safeParse(head.body.projection);
      return name.success ? new RebuildStream(context, name.data) : undefined;
    },
  },
});
