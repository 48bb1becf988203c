/**
 * Given/when/then for projections, on the domain (ProjectionStore), after Emmett's
 * ProjectionSpec:
 *
 *   projectionSpec({ initialState: [], handlers: { Deleted: 'remove' } })
 *     .given([event('Added', { id: 'a' })])
 *     .when(event('Deleted', { id: 'a' }))
 *     .then([], 2);
 *
 * `given` and `when` take actions: an event (an update), `update(event, expectedVersion)`
 * or `rebuild(events, expectedVersion?)`. Nothing runs until `then…`, on a fresh store.
 * `then` checks the state and version after every action; `thenRefuses` checks that the
 * last `when` action is refused and that the projection kept its state, version and
 * remembered event ids.
 */
import { expect } from 'vitest';
import { stringifyJson } from '../../src/json/stringify.js';
import { ProjectionError, type ProjectionErrorKind } from '../../src/projections/errors.js';
import type { Op } from '../../src/projections/ops.js';
import type { EventId, ProjectionEvent } from '../../src/projections/projection.js';
import { ProjectionStore, type RebuildResult, type UpdateResult } from '../../src/projections/store.js';

export interface ProjectionSetup {
  /** The projection's name (default "p"). */
  readonly name?: string;
  /** Created with this state; left out, nothing is created and the first write makes the projection from []. */
  readonly initialState?: unknown;
  /** The op of each event type; unlisted types merge. */
  readonly handlers?: Readonly<Record<string, Op>>;
  /** The key of an array state's elements (default "id"). */
  readonly key?: string;
  /** How many of the newest event ids the store remembers per projection (default: all). */
  readonly dedupWindow?: number;
}

export type Action =
  | ProjectionEvent
  | { readonly update: ProjectionEvent; readonly expectedVersion?: number }
  | { readonly rebuild: readonly ProjectionEvent[]; readonly expectedVersion?: number };

/** An event of this type and data, with `event_id` if one is given. */
export const event = (event_type: string, event_data: unknown, event_id?: EventId): ProjectionEvent =>
  event_id === undefined ? { event_type, event_data } : { event_type, event_data, event_id };

/** An update that expects the projection at `expectedVersion`. */
export const update = (event: ProjectionEvent, expectedVersion?: number): Action => ({
  update: event,
  expectedVersion,
});

/** A rebuild from these events, expecting the projection at `expectedVersion` if given. */
export const rebuild = (events: readonly ProjectionEvent[], expectedVersion?: number): Action => ({
  rebuild: events,
  expectedVersion,
});

/** What the `when` actions returned, for checks of their own. */
export interface Outcome {
  readonly store: ProjectionStore;
  /** Whether each update among the `when` actions was a duplicate, in order. */
  readonly duplicates: readonly boolean[];
  /** The events each rebuild among the `when` actions applied, in order. */
  readonly eventsProcessed: readonly number[];
}

/** What a refused action left, checked beyond "unchanged" when given. */
export interface Refusal {
  /** The error's kind. */
  readonly kind?: ProjectionErrorKind;
  /** The state the projection still has. */
  readonly state?: unknown;
  /** The version the projection is still at. */
  readonly version?: number;
  /** Event ids the projection still remembers: each is still a duplicate. */
  readonly ids?: readonly EventId[];
}

export interface Then {
  /** Every action succeeds; then the state equals `state` and, if given, the version is `version`. */
  then(state: unknown, version?: number): Outcome;
  /** As `then`, with the state compared as the JSON text it writes, which keeps exact numbers' digits. */
  thenJson(json: string, version?: number): Outcome;
  /**
   * The last `when` action is refused with a ProjectionError whose message is `message`
   * (or matches it), and the projection is as it was before: there or not, same state,
   * same version, the same event ids remembered.
   */
  thenRefuses(
    message: string | RegExp,
    refusal?: Refusal,
  ): { readonly error: ProjectionError; readonly store: ProjectionStore };
}

export interface When {
  when(actions: Action | readonly Action[]): Then;
}

export interface Given extends When {
  given(actions: Action | readonly Action[]): When;
}

export function projectionSpec(setup: ProjectionSetup): Given {
  const given = (before: readonly Action[]): When => ({
    when: (actions) => expectations(setup, before, listOf(actions)),
  });
  return { ...given([]), given: (actions) => given(listOf(actions)) };
}

function listOf(actions: Action | readonly Action[]): readonly Action[] {
  return Array.isArray(actions) ? actions : [actions as Action];
}

function expectations(setup: ProjectionSetup, given: readonly Action[], when: readonly Action[]): Then {
  const name = setup.name ?? 'p';
  const then = (check: (state: unknown) => void, version: number | undefined): Outcome => {
    const store = storeFor(setup, given);
    const duplicates: boolean[] = [];
    const eventsProcessed: number[] = [];
    let last: UpdateResult | RebuildResult | undefined;
    for (const action of when) {
      last = run(store, name, action);
      if ('duplicate' in last) duplicates.push(last.duplicate);
      else eventsProcessed.push(last.eventsProcessed);
    }
    check(store.read(name).state.value());
    if (version !== undefined) {
      expect(store.read(name).version, 'the version').toBe(version);
      if (last) expect(last.projection.version, 'the version the last action returned').toBe(version);
    }
    return { store, duplicates, eventsProcessed };
  };
  return {
    // biome-ignore lint/suspicious/noThenProperty: the spec reads given/when/then, as Emmett's does; nothing awaits a Then.
    then: (state, version) => then((actual) => expect(actual).toEqual(state), version),
    thenJson: (json, version) => then((actual) => expect(stringifyJson(actual)).toBe(json), version),
    thenRefuses(message, refusal = {}) {
      const refused = when.at(-1);
      if (refused === undefined) throw new Error('thenRefuses needs a when action to refuse');
      const store = storeFor(setup, given);
      const before = storeFor(setup, given);
      for (const action of when.slice(0, -1)) {
        run(store, name, action);
        run(before, name, action);
      }
      const error = refusalOf(() => run(store, name, refused));
      if (typeof message === 'string') expect(error.message).toBe(message);
      else expect(error.message).toMatch(message);
      if (refusal.kind !== undefined) expect(error.kind).toBe(refusal.kind);

      const projection = store.get(name);
      expect(projection === undefined, 'the projection is there').toBe(before.get(name) === undefined);
      if (projection) {
        const unchanged = before.read(name);
        expect(projection.version, 'the version').toBe(unchanged.version);
        expect(stringifyJson(projection.state.value()), 'the state').toBe(stringifyJson(unchanged.state.value()));
        if (refusal.state !== undefined) expect(projection.state.value()).toEqual(refusal.state);
        if (refusal.version !== undefined) expect(projection.version).toBe(refusal.version);
        // Last: probing for an id the projection does not remember applies an event.
        const ids = eventIds([...given, ...when]);
        for (const id of refusal.ids ?? []) ids.set(stringifyJson(id), id);
        const remembered = (target: ProjectionStore) =>
          new Map([...ids].map(([text, id]) => [text, probe(target, name, id)]));
        const stillRemembered = remembered(store);
        expect(stillRemembered, 'which event ids are remembered').toEqual(remembered(before));
        for (const id of refusal.ids ?? [])
          expect(stillRemembered.get(stringifyJson(id)), stringifyJson(id)).toBe(true);
      }
      return { error, store };
    },
  };
}

function storeFor(setup: ProjectionSetup, given: readonly Action[]): ProjectionStore {
  const store = new ProjectionStore({ dedupWindow: setup.dedupWindow });
  const name = setup.name ?? 'p';
  if ('initialState' in setup) {
    store.create(name, setup.initialState, {
      key: setup.key ?? 'id',
      eventOps: new Map(Object.entries(setup.handlers ?? {})),
    });
  }
  for (const action of given) run(store, name, action);
  return store;
}

function run(store: ProjectionStore, name: string, action: Action): UpdateResult | RebuildResult {
  if ('event_type' in action) return store.update(name, action);
  if ('update' in action) return store.update(name, action.update, action.expectedVersion);
  return store.rebuild(name, action.rebuild, action.expectedVersion);
}

function refusalOf(action: () => unknown): ProjectionError {
  try {
    action();
  } catch (error) {
    if (error instanceof ProjectionError) return error;
    throw error;
  }
  throw new Error('expected the last when action to be refused, but it succeeded');
}

/** Every event id the actions carry, once each, by its JSON text. */
function eventIds(actions: readonly Action[]): Map<string, EventId> {
  const events = actions.flatMap((action) =>
    'event_type' in action ? [action] : 'update' in action ? [action.update] : action.rebuild,
  );
  const ids = new Map<string, EventId>();
  for (const { event_id: id } of events) if (id !== undefined) ids.set(stringifyJson(id), id);
  return ids;
}

/** Whether the projection remembers `id`: an event with it is a duplicate. If not, the event is applied. */
function probe(store: ProjectionStore, name: string, id: EventId): boolean {
  try {
    return store.update(name, { event_type: 'projection-spec probe', event_data: {}, event_id: id }).duplicate;
  } catch {
    return false;
  }
}
