import { parseJson } from '../json/parse.js';
import { stringifyJson } from '../json/stringify.js';
import { isJsonObject, type JsonFragment } from '../json/value.js';
import type { Op } from '../projections/ops.js';
import { EventIds } from '../projections/event-ids.js';
import {
  type EventId,
  NO_INDEXES,
  Projection,
  type ProjectionDefinition,
  type ProjectionEvent,
} from '../projections/projection.js';
import type { ProjectionStore } from '../projections/store.js';

/**
 * One change to the projections, as a line of the data directory's log. Each is a JSON
 * text whose `op` says what it does:
 * - `create`: a new projection from its definition;
 * - `update`: one event applied (duplicates and refused events are never written); with an event_id,
 *   the dedup window then in force as `window` (null for none; records written before windows were
 *   recorded have no `window`, and are read under the window in force);
 * - `image`: a whole projection, definition, version, state and event ids (after a rebuild, and in snapshots);
 *   the ids as `{"key":…,"digests":…}`, their digests oldest first in base64 and the key they were made with;
 * - `delete`: the projection is gone.
 * Each but `delete` carries `at`, the time of the change (Projection.changedAt).
 * Replaying them in order gives the projections back, versions and times included.
 */
export type Change =
  | { readonly op: 'create'; readonly projection: Projection }
  | {
      readonly op: 'update';
      readonly name: string;
      readonly at: number;
      readonly event: ProjectionEvent;
      /** The projection's dedup window when the event was applied; undefined if it had none. */
      readonly window: number | undefined;
    }
  | { readonly op: 'image'; readonly projection: Projection; readonly state: JsonFragment }
  | { readonly op: 'delete'; readonly name: string };

/**
 * The longest record this node writes. Each is read back as one string, and V8's longest is
 * 2^29 - 24 characters; writes that would make a longer one are refused (see RecordRoom).
 */
export const MAX_RECORD_CHARS = 2 ** 29 - 2 ** 20;

/** The characters of an image record besides its definition, state and ids: a version of up to 16 digits included. */
const IMAGE_FIXED_CHARS = '{"op":"image",,"version":,"state":,"ids":}'.length + 16;
/** The characters of an update record besides its name and event: a time and a window of up to 16 digits each included. */
const UPDATE_FIXED_CHARS = '{"op":"update","name":,"at":,"window":,"event":}'.length + 32;

function definitionText(name: string, initialJson: string, definition: ProjectionDefinition, at: number): string {
  const { eventOps, key, indexes = NO_INDEXES } = definition;
  const handlers = Object.fromEntries(eventOps);
  return (
    `"name":${JSON.stringify(name)},"initial_state":${initialJson},` +
    `"handlers":${stringifyJson(handlers)},"key":${JSON.stringify(key)},` +
    // Left out when there are none: such records are as they were before indexes existed.
    (indexes.length === 0 ? '' : `"indexes":${JSON.stringify(indexes)},`) +
    `"at":${at}`
  );
}

function definitionJson(projection: Projection): string {
  const { name, initialState, definition, changedAt } = projection;
  return definitionText(name, stringifyJson(initialState), definition, changedAt);
}

/** How long the definition part of a record is, at most, with an initial state whose JSON is `initialLength` long. */
export function definitionLength(name: string, definition: ProjectionDefinition, initialLength: number): number {
  // "at" is a time in seconds: 16 digits are more than a safe integer has.
  return definitionText(name, '', definition, 0).length - 1 + 16 + initialLength;
}

/** How long the digests of `ids` event ids are in an image (see idsJson), at most. */
function idsLength(ids: number): number {
  return ids === 0 ? 2 : '{"key":,"digests":""}'.length + 26 + 4 * Math.ceil((16 * ids) / 3);
}

/** How long an image record is, at most, with a definition, a state JSON and a number of event ids of these sizes. */
export function imageLength(definition: number, state: number, ids: number): number {
  return IMAGE_FIXED_CHARS + definition + state + idsLength(ids);
}

/** How long an update record of projection `name` is, at most, with an event whose JSON is `event` long. */
export function updateLength(name: string, event: number): number {
  return UPDATE_FIXED_CHARS + JSON.stringify(name).length + event;
}

function fragmentText(fragment: JsonFragment): string {
  let text = '';
  for (const part of fragment.parts) text += typeof part === 'string' ? part : part.toString('utf8');
  return text;
}

function idsJson(ids: EventIds | undefined): string {
  if (!ids) return '[]';
  return `{"key":${JSON.stringify(ids.key)},"digests":"${ids.bytes().toString('base64')}"}`;
}

/** The ids of an image: digests, or the ids themselves as a node before digests wrote them. */
function idsOf(ids: unknown, window: number | undefined): EventId[] | EventIds {
  if (Array.isArray(ids)) return ids as EventId[];
  if (isJsonObject(ids)) {
    const { key, digests } = ids as Record<string, unknown>;
    if (typeof key === 'string' && typeof digests === 'string')
      return EventIds.restore(window, key, Buffer.from(digests, 'base64'));
  }
  throw new UnknownRecord('an image record has ids of an unknown form');
}

/** The dedup window an update record's id was remembered under: the store's own for a record that does not say. */
function windowOf(record: Record<string, unknown>, store: ProjectionStore): number | undefined {
  if (typeof record.window === 'number') return record.window;
  return record.window === null ? undefined : store.dedupWindow;
}

/** The record of a change. */
export function encodeChange(change: Change): string {
  switch (change.op) {
    case 'create':
      return `{"op":"create",${definitionJson(change.projection)}}`;
    case 'update': {
      const { name, at, event, window } = change;
      // Only an id is remembered under a window. null, not nothing: a record without one is from before windows were recorded.
      const windowJson = event.event_id === undefined ? '' : `"window":${window ?? null},`;
      return `{"op":"update","name":${JSON.stringify(name)},"at":${at},${windowJson}"event":${stringifyJson(event)}}`;
    }
    case 'image': {
      const { projection } = change;
      return (
        `{"op":"image",${definitionJson(projection)},"version":${projection.version},` +
        `"state":${fragmentText(change.state)},"ids":${idsJson(projection.eventIds())}}`
      );
    }
    case 'delete':
      return `{"op":"delete","name":${JSON.stringify(change.name)}}`;
  }
}

/** A record that is not one this node writes: the data directory holds something else. */
export class UnknownRecord extends Error {}

interface Definition {
  name: string;
  initial_state: unknown;
  handlers: Record<string, Op>;
  key: string;
  indexes?: string[];
  /** Missing from records written before it was kept. */
  at?: number;
}

function projectionOf(record: Definition, dedupWindow: number | undefined): Projection {
  const projection = new Projection(
    record.name,
    record.initial_state,
    {
      key: record.key,
      eventOps: new Map(Object.entries(record.handlers)),
      indexes: record.indexes ?? NO_INDEXES,
    },
    dedupWindow,
  );
  projection.changedAt = record.at ?? 0;
  return projection;
}

/** A projection an image record restored, and its state's JSON as the record holds it. */
export interface RestoredImage {
  readonly projection: Projection;
  readonly version: number;
  readonly stateJson: string;
}

/**
 * The state's JSON within an image record's text, if the record is laid out as encodeChange
 * writes it now: what precedes the state is checked by writing it again, and what follows
 * starts at the last `,"ids":`, which neither a base64 string nor a JSON string can hold.
 */
function stateJsonOf(text: string, projection: Projection, version: number): string | undefined {
  const head = `{"op":"image",${definitionJson(projection)},"version":${version},"state":`;
  const end = text.lastIndexOf(',"ids":');
  if (end < head.length || !text.startsWith(head)) return undefined;
  const json = text.slice(head.length, end);
  // A slice keeps the whole record's text while the state is unchanged: copied where the rest, event ids mostly, is large.
  return text.length - json.length > json.length / 8 ? ` ${json}`.slice(1) : json;
}

/**
 * Applies one record to `store`, as the change it records was applied when it was written.
 * For an image, returns the state's JSON as the record holds it (see stateJsonOf), which is
 * the JSON the state's cache would make.
 */
export function replay(store: ProjectionStore, text: string): RestoredImage | undefined {
  const record = parseJson(text) as Record<string, unknown>;
  if (!isJsonObject(record)) throw new UnknownRecord('a record is not a JSON object');
  switch (record.op) {
    case 'create':
      store.put(projectionOf(record as unknown as Definition, store.dedupWindow));
      return;
    case 'update':
      store.redo(
        record.name as string,
        record.event as ProjectionEvent,
        (record.at as number | undefined) ?? 0,
        windowOf(record, store),
      );
      return;
    case 'image': {
      const projection = projectionOf(record as unknown as Definition, store.dedupWindow);
      const version = record.version as number;
      projection.restore(version, record.state, idsOf(record.ids, store.dedupWindow));
      store.put(projection);
      const stateJson = stateJsonOf(text, projection, version);
      return stateJson === undefined ? undefined : { projection, version, stateJson };
    }
    case 'delete':
      store.delete(record.name as string);
      return;
    default:
      throw new UnknownRecord(`a record has the unknown op ${JSON.stringify(record.op)}`);
  }
}
