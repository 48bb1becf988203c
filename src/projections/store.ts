import { ProjectionError } from './errors.js';
import {
  DEFAULT_DEFINITION,
  Projection,
  type ExpectedVersion,
  type ProjectionDefinition,
  type ProjectionEvent,
  type Replay,
} from './projection.js';

export interface UpdateResult {
  readonly projection: Projection;
  /** The event's id was applied before, so nothing changed. */
  readonly duplicate: boolean;
}

export interface RebuildResult {
  readonly projection: Projection;
  readonly eventsProcessed: number;
}

export interface ProjectionSummary {
  readonly name: string;
  readonly version: number;
}

/** Whole seconds since the Unix epoch. */
export type Clock = () => number;

const systemClock: Clock = () => Math.floor(Date.now() / 1000);

export interface StoreOptions {
  /** How many of the newest event ids each projection remembers; all of them if undefined. */
  readonly dedupWindow?: number | undefined;
  /** Stamps each change (Projection.changedAt). */
  readonly clock?: Clock | undefined;
}

/** An iterator over the projections in creation order, and how many whose names start with `prefix` it has passed. */
interface Cursor {
  readonly prefix: string;
  readonly projections: IterableIterator<Projection>;
  index: number;
  ended: boolean;
}

/** How many names start with `prefix`, counted while the store held the same names (`names`). */
interface Count {
  readonly prefix: string;
  readonly names: number;
  readonly total: number;
}

/** All projections of this node by name, in creation order. Every failed call changes nothing. */
export class ProjectionStore {
  private readonly projections = new Map<string, Projection>();
  /** Where the last page of every projection ended; a Map's iterator goes on past entries added since. */
  private cursor: Cursor | undefined;
  /** The last count of names with a prefix: paging through them counts them once, not once a page. */
  private count: Count | undefined;
  /** Goes up each time a projection joins or leaves the store (or takes another's place), so counts know they are stale. */
  private names = 0;
  private applied = 0;

  private readonly clock: Clock;

  constructor(readonly options: StoreOptions = {}) {
    this.clock = options.clock ?? systemClock;
  }

  get dedupWindow(): number | undefined {
    return this.options.dedupWindow;
  }

  /** Events applied by update and rebuild since this store was made; duplicates are not applied. */
  get eventsApplied(): number {
    return this.applied;
  }

  get size(): number {
    return this.projections.size;
  }

  create(name: string, initialState: unknown, definition: ProjectionDefinition = DEFAULT_DEFINITION): Projection {
    const existing = this.projections.get(name);
    if (existing) {
      throw new ProjectionError(
        'already-exists',
        `projection ${JSON.stringify(name)} already exists at version ${existing.version}`,
      );
    }
    const projection = new Projection(name, initialState, definition, this.dedupWindow);
    projection.changedAt = this.clock();
    this.projections.set(name, projection);
    this.names++;
    return projection;
  }

  /** Applies one event. An unknown projection is created from [] first. */
  update(name: string, event: ProjectionEvent, expectedVersion?: ExpectedVersion): UpdateResult {
    return this.write(name, (projection) => {
      const duplicate = !projection.update(event, expectedVersion);
      if (!duplicate) this.changed(projection, 1);
      return { projection, duplicate };
    });
  }

  /**
   * Applies an event that storage records as applied, under the dedup window it was applied
   * under (see Projection.redo); for recovery from storage.
   */
  redo(name: string, event: ProjectionEvent, at: number, window?: number): Projection {
    return this.write(name, (projection) => {
      projection.redo(event, window);
      projection.changedAt = at;
      return projection;
    });
  }

  /**
   * Replays `events` from the initial state. An unknown projection is created from []
   * first. `accept` may refuse the resulting state by throwing, and `onBatch` hears how
   * far it got (see Projection.rebuild).
   */
  rebuild(
    name: string,
    events: readonly ProjectionEvent[],
    expectedVersion?: ExpectedVersion,
    accept?: (replay: Replay) => void,
    onBatch?: (applied: number) => void,
  ): RebuildResult {
    return this.write(name, (projection) => {
      const eventsProcessed = projection.rebuild(events, expectedVersion, accept, onBatch);
      this.changed(projection, eventsProcessed);
      return { projection, eventsProcessed };
    });
  }

  /**
   * A replay of the named projection's events from its initial state, which changes
   * nothing until `commit`; for an unknown name, of a new projection made from [].
   */
  replay(name: string): Replay {
    return (this.projections.get(name) ?? this.made(name)).replay();
  }

  /**
   * Puts a replay's result in place (see Projection.commit); a new projection joins the
   * store. A replay of a projection deleted or replaced since it began is refused.
   */
  commit(replay: Replay, expectedVersion?: ExpectedVersion): RebuildResult {
    const { projection } = replay;
    const existing = this.projections.get(projection.name);
    if (existing !== undefined && existing !== projection) {
      throw new ProjectionError(
        'version-mismatch',
        `projection ${JSON.stringify(projection.name)} changed during the rebuild`,
      );
    }
    if (existing === undefined && projection.version !== 0) throw notFound(projection.name);
    const eventsProcessed = projection.commit(replay, expectedVersion);
    this.projections.set(projection.name, projection);
    this.names++;
    this.changed(projection, eventsProcessed);
    return { projection, eventsProcessed };
  }

  /** Every projection, in creation order. */
  all(): IterableIterator<Projection> {
    return this.projections.values();
  }

  /** Adds a projection, or puts it in the place of the one of its name: for recovery from storage. */
  put(projection: Projection): void {
    this.projections.set(projection.name, projection);
    this.names++;
  }

  /**
   * Takes every projection of `other` in place of this store's own, and `eventsApplied` as the
   * count of events applied (events undone are not): for recovery from storage.
   */
  replaceWith(other: ProjectionStore, eventsApplied: number): void {
    this.applied = eventsApplied;
    this.projections.clear();
    this.cursor = undefined;
    this.names++;
    for (const projection of other.all()) this.projections.set(projection.name, projection);
  }

  /** The projection of that name, if there is one. */
  get(name: string): Projection | undefined {
    return this.projections.get(name);
  }

  read(name: string): Projection {
    const projection = this.projections.get(name);
    if (!projection) throw notFound(name);
    return projection;
  }

  /** Every projection's name and version, in creation order. */
  list(): ProjectionSummary[] {
    return this.page().items;
  }

  /**
   * The projections whose names start with `prefix`, in creation order: those from
   * index `offset` on, at most `limit` of them, and how many there are in all.
   */
  page(prefix = '', offset = 0, limit = Number.POSITIVE_INFINITY): { items: ProjectionSummary[]; total: number } {
    const items: ProjectionSummary[] = [];
    // Walked from where the page before ended, when it ended at `offset` with the same prefix:
    // paging through every match then takes one walk, not one per page.
    const cursor = this.cursorAt(prefix, offset);
    while (items.length < limit) {
      const projection = nextMatch(cursor);
      if (projection === undefined) break;
      items.push({ name: projection.name, version: projection.version });
    }
    // An iterator that has ended never yields again, not even projections created after.
    this.cursor = cursor.ended ? undefined : cursor;
    return { items, total: this.total(prefix) };
  }

  delete(name: string): void {
    if (!this.projections.delete(name)) throw notFound(name);
    this.names++;
    // Every projection after it moves one place forward.
    this.cursor = undefined;
  }

  /**
   * The projections whose names start with `prefix`, in creation order from the `offset`th
   * of them on, from the last page's cursor where it can be.
   */
  private cursorAt(prefix: string, offset: number): Cursor {
    let cursor = this.cursor;
    if (cursor === undefined || cursor.prefix !== prefix || cursor.index > offset) {
      cursor = { prefix, projections: this.projections.values(), index: 0, ended: false };
    }
    while (cursor.index < offset && nextMatch(cursor) !== undefined) {}
    return cursor;
  }

  /** How many names start with `prefix`: counted again only once a projection has joined or left since. */
  private total(prefix: string): number {
    if (prefix === '') return this.projections.size;
    if (this.count?.prefix === prefix && this.count.names === this.names) return this.count.total;
    let total = 0;
    for (const name of this.projections.keys()) if (name.startsWith(prefix)) total++;
    this.count = { prefix, names: this.names, total };
    return total;
  }

  /** A projection made from [] for a write to an unknown name; it joins the store only once the write succeeds. */
  private made(name: string): Projection {
    return new Projection(name, [], DEFAULT_DEFINITION, this.dedupWindow);
  }

  private changed(projection: Projection, events: number): void {
    projection.changedAt = this.clock();
    this.applied += events;
  }

  /** Runs a write on the named projection; a new one, made from [], joins the store only if the write succeeds. */
  private write<Result>(name: string, change: (projection: Projection) => Result): Result {
    const existing = this.projections.get(name);
    if (existing) return change(existing);
    const created = this.made(name);
    const result = change(created);
    this.projections.set(name, created);
    this.names++;
    return result;
  }
}

/** The cursor's next projection whose name starts with its prefix, counted; undefined once it has ended. */
function nextMatch(cursor: Cursor): Projection | undefined {
  if (cursor.ended) return undefined;
  for (let next = cursor.projections.next(); !next.done; next = cursor.projections.next()) {
    if (!next.value.name.startsWith(cursor.prefix)) continue;
    cursor.index++;
    return next.value;
  }
  cursor.ended = true;
  return undefined;
}

function notFound(name: string): ProjectionError {
  return new ProjectionError('not-found', `projection ${JSON.stringify(name)} does not exist`);
}
