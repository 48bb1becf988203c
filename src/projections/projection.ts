import type { ExactNumber } from '../json/exact-number.js';
import { cloneJson, isJsonObject, type JsonObject } from '../json/value.js';
import { invalidEvent, ProjectionError } from './errors.js';
import { EventIds } from './event-ids.js';
import type { Op } from './ops.js';
import { stateFor, type ProjectionState } from './state.js';

export type EventId = string | number | ExactNumber;

/** The version a write expects: an integer of any size (past 2^53, where no version goes, it may be an ExactNumber). */
export type ExpectedVersion = number | ExactNumber;

/** One event of the stream, as the event store writes it. */
export interface ProjectionEvent {
  readonly event_type: string;
  readonly event_data: unknown;
  /** Lets a redelivered event be recognised and skipped. */
  readonly event_id?: EventId | undefined;
}

/** How a projection reads events: what is declared when it is created. */
export interface ProjectionDefinition {
  /** The field that identifies an element of an array state. */
  readonly key: string;
  /** The op of each event type; unlisted types merge. */
  readonly eventOps: ReadonlyMap<string, Op>;
  /** The fields of an array state's elements kept indexed for queries, besides the key. */
  readonly indexes?: readonly string[] | undefined;
  /** How many of the newest event ids to remember (the node's --dedup-window); all of them if undefined. */
  readonly dedupWindow?: number | undefined;
}

/** A rebuild tells `onBatch` how far it got after every this many events. */
export const REBUILD_BATCH = 4096;

/** The table of a projection that declares no ops, shared: a Map costs a few hundred bytes. */
export const NO_EVENT_OPS: ReadonlyMap<string, Op> = new Map();

/** The index list of a projection that declares none, shared. */
export const NO_INDEXES: readonly string[] = [];

export const DEFAULT_DEFINITION: ProjectionDefinition = { key: 'id', eventOps: NO_EVENT_OPS, indexes: NO_INDEXES };

/** DEFAULT_DEFINITION with each dedup window in use (a node has one), shared as it is. */
const defaultsByWindow = new Map<number, ProjectionDefinition>();

/**
 * `definition` with `dedupWindow`: the window lives in the definition, so a projection pays
 * no field for it. A definition with no ops and no indexes is the shared default, and empty
 * tables are the shared empty ones, whoever built them: a definition of its own and an
 * empty Map would cost each projection about 280 bytes.
 */
function withWindow(definition: ProjectionDefinition, dedupWindow: number | undefined): ProjectionDefinition {
  const eventOps = definition.eventOps.size === 0 ? NO_EVENT_OPS : definition.eventOps;
  const indexes = definition.indexes === undefined || definition.indexes.length === 0 ? NO_INDEXES : definition.indexes;
  if (definition.key === DEFAULT_DEFINITION.key && eventOps === NO_EVENT_OPS && indexes === NO_INDEXES) {
    if (dedupWindow === undefined) return DEFAULT_DEFINITION;
    let shared = defaultsByWindow.get(dedupWindow);
    if (!shared) defaultsByWindow.set(dedupWindow, (shared = { ...DEFAULT_DEFINITION, dedupWindow }));
    return shared;
  }
  if (definition.dedupWindow === dedupWindow && eventOps === definition.eventOps && indexes === definition.indexes) {
    return definition;
  }
  return { ...definition, eventOps, indexes, dedupWindow };
}

/** The empty initial states most projections have, shared: an initial state is never changed. */
const EMPTY_ARRAY: readonly unknown[] = Object.freeze([]);
const EMPTY_OBJECT: Readonly<JsonObject> = Object.freeze({});

/** A copy of an initial state to keep, or the shared one it equals. */
function kept(initialState: unknown): unknown {
  if (Array.isArray(initialState) && initialState.length === 0) return EMPTY_ARRAY;
  if (isJsonObject(initialState) && isEmptyObject(initialState)) return EMPTY_OBJECT;
  return cloneJson(initialState);
}

function isEmptyObject(object: JsonObject): boolean {
  for (const _ in object) return false;
  return true;
}

/** A named read model: a state, a version counting the events applied, and the ids it has seen. */
export class Projection {
  private currentVersion = 0;
  private currentState: ProjectionState;
  /** The event_id of every event applied since the last rebuild (the newest `dedupWindow` of them), made at the first. */
  private appliedIds: EventIds | undefined;

  /** A copy of the state given at creation, never changed: every rebuild starts from a copy of it. */
  readonly initialState: unknown;

  /**
   * When the projection last changed, in whole seconds since the Unix epoch; 0 if not
   * known. Whole seconds stay a small integer, which V8 keeps inside the object.
   */
  changedAt = 0;

  readonly definition: ProjectionDefinition;

  /** `dedupWindow`: how many of the newest event ids to remember; all of them if undefined. */
  constructor(
    readonly name: string,
    initialState: unknown,
    definition: ProjectionDefinition,
    dedupWindow?: number,
  ) {
    this.definition = withWindow(definition, dedupWindow);
    this.initialState = kept(initialState);
    this.currentState = stateFor(cloneJson(initialState), this.definition);
  }

  /** How many of the newest event ids it remembers; all of them if undefined. */
  get dedupWindow(): number | undefined {
    return this.definition.dedupWindow;
  }

  get version(): number {
    return this.currentVersion;
  }

  get state(): ProjectionState {
    return this.currentState;
  }

  /**
   * Applies one event. False if its event_id was applied before, and then nothing
   * changes. A redelivery is recognised before the version check, so the retry of a
   * write that did happen is answered as a duplicate, not as a conflict.
   */
  update(event: ProjectionEvent, expectedVersion?: ExpectedVersion): boolean {
    const id = event.event_id;
    if (this.isRedelivery(event)) return false;
    this.checkVersion(expectedVersion);
    this.currentState = this.apply(this.currentState, event);
    if (id !== undefined) (this.appliedIds ??= new EventIds(this.dedupWindow)).add(id);
    this.currentVersion++;
    return true;
  }

  /**
   * Applies an event that storage records as applied: even if its event_id is held, as
   * it may be when the node that wrote the record had a smaller dedup window. Its id is
   * remembered as it was then, among the newest `window` ids (all if undefined), so that
   * a node restarted under another window remembers what it remembered before, not ids
   * the old window had let go; useOwnWindow then puts this projection's own back.
   */
  redo(event: ProjectionEvent, window?: number): void {
    // Unbounded: a merge that was acknowledged must come back, whatever bound this release puts on new ones.
    this.currentState = this.apply(this.currentState, event, Number.POSITIVE_INFINITY);
    const id = event.event_id;
    // The ids as the writer held them, under its window, before asking whether this one was among them.
    if (id !== undefined) this.remember(id, window);
    this.currentVersion++;
  }

  /** Keeps the newest `dedupWindow` of the remembered ids, from now on: for recovery, once every record is read. */
  useOwnWindow(): void {
    if (this.appliedIds) this.appliedIds = this.idsUnder(this.dedupWindow);
  }

  /** The remembered ids, kept from now on as the newest `window` of them: made if there are none. */
  private idsUnder(window: number | undefined): EventIds {
    const ids = this.appliedIds;
    if (ids === undefined) return (this.appliedIds = new EventIds(window));
    if (ids.window === window) return ids;
    return (this.appliedIds = EventIds.restore(window, ids.key, ids.bytes()));
  }

  /**
   * Replays `events` on a fresh copy of the initial state, skipping repeated event ids,
   * and returns how many were applied. All or nothing: if one event is refused, or
   * `accept` refuses the replay's result (its state and ids) by throwing, the projection
   * keeps its old state, version and ids.
   */
  rebuild(
    events: readonly ProjectionEvent[],
    expectedVersion?: ExpectedVersion,
    accept?: (replay: Replay) => void,
    onBatch?: (applied: number) => void,
  ): number {
    this.checkVersion(expectedVersion);
    const replay = this.replay();
    for (let index = 0; index < events.length; index++) {
      try {
        replay.apply(events[index] as ProjectionEvent);
      } catch (error) {
        if (error instanceof ProjectionError) throw invalidEvent(`events[${index}]: ${error.message}`);
        throw error;
      }
      if (index % REBUILD_BATCH === REBUILD_BATCH - 1) onBatch?.(replay.applied);
    }
    accept?.(replay);
    return this.commit(replay);
  }

  /** A replay of events on a fresh copy of the initial state, apart from the projection until `commit`. */
  replay(): Replay {
    return new Replay(this, stateFor(cloneJson(this.initialState), this.definition));
  }

  /**
   * Puts a replay of this projection in place of its state, version and ids, at once;
   * returns the new version. A version mismatch changes nothing.
   */
  commit(replay: Replay, expectedVersion?: ExpectedVersion): number {
    if (replay.projection !== this) throw new TypeError('a replay of another projection');
    this.checkVersion(expectedVersion);
    this.currentState = replay.state;
    this.appliedIds = replay.ids;
    this.currentVersion = replay.applied;
    return replay.applied;
  }

  /** How many event ids the projection remembers. */
  eventIdCount(): number {
    return this.appliedIds?.size ?? 0;
  }

  /** The remembered event ids, as digests, for storage; undefined when there are none. */
  eventIds(): EventIds | undefined {
    return this.appliedIds;
  }

  /**
   * Puts the projection back as it was saved: for recovery from storage only, where
   * `state` and `ids` are the projection's own from now on. `ids` are the event ids
   * oldest first, or their digests.
   */
  restore(version: number, state: unknown, ids: readonly EventId[] | EventIds): void {
    this.currentVersion = version;
    this.currentState = stateFor(state, this.definition);
    if (ids instanceof EventIds) {
      this.appliedIds = ids.size === 0 ? undefined : ids;
      return;
    }
    this.appliedIds = undefined;
    for (const id of ids) this.remember(id, this.dedupWindow);
  }

  /** Adds `id` to the remembered ids, kept from now on as the newest `window` of them, unless it is there. */
  private remember(id: EventId, window: number | undefined): void {
    const ids = this.idsUnder(window);
    if (!ids.has(id)) ids.add(id);
  }

  /** Throws a version mismatch unless `expected` is undefined or the current version. */
  checkVersion(expected: ExpectedVersion | undefined): void {
    if (expected === undefined || expected === this.currentVersion) return;
    const written = typeof expected === 'number' ? String(expected) : expected.text;
    throw new ProjectionError(
      'version-mismatch',
      `expected version ${written}, but projection ${JSON.stringify(this.name)} is at version ${this.currentVersion}`,
    );
  }

  /** Whether `event` was applied before: its event_id is one the projection remembers. */
  isRedelivery(event: ProjectionEvent): boolean {
    const id = event.event_id;
    return id !== undefined && this.appliedIds?.has(id) === true;
  }

  /** What an event of this type does to the state: unlisted types merge. */
  opOf(eventType: string): Op {
    return this.definition.eventOps.get(eventType) ?? 'merge';
  }

  /** The state after `event`; throws ProjectionError if `state` cannot take it (see ProjectionState.merge for `maxMembers`). */
  apply(state: ProjectionState, event: ProjectionEvent, maxMembers?: number): ProjectionState {
    const data = event.event_data;
    switch (this.opOf(event.event_type)) {
      case 'merge':
        return state.merge(data, maxMembers);
      case 'append':
        return state.append(data);
      case 'remove':
        return state.remove(data);
      case 'replace':
        return stateFor(data, this.definition);
      case 'ignore':
        return state;
    }
  }
}

/** Events applied one at a time to a fresh state, which the projection takes only at its `commit`. */
export class Replay {
  ids: EventIds | undefined;
  applied = 0;

  constructor(
    readonly projection: Projection,
    public state: ProjectionState,
  ) {}

  /**
   * Applies one event; false if its event_id was applied before in this replay. Throws
   * ProjectionError, and then changes nothing, if the state cannot take the event.
   */
  apply(event: ProjectionEvent): boolean {
    const id = event.event_id;
    if (id !== undefined && this.ids?.has(id)) return false;
    this.state = this.projection.apply(this.state, event);
    if (id !== undefined) (this.ids ??= new EventIds(this.projection.dedupWindow)).add(id);
    this.applied++;
    return true;
  }
}
