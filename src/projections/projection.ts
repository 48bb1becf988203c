import type { ExactNumber } from '../json/exact-number.js';
import { parseJson } from '../json/parse.js';
import { stringifyJson } from '../json/stringify.js';
import { invalidEvent, ProjectionError } from './errors.js';
import { JsonKeyMap } from './keys.js';
import type { Op } from './ops.js';
import { stateFor, type ProjectionState } from './state.js';

export type EventId = string | number | ExactNumber;

/** One event of the stream, as the event store writes it. */
export interface ProjectionEvent {
  readonly event_type: string;
  readonly event_data: unknown;
  /** Lets a redelivered event be recognised and skipped. */
  readonly event_id?: EventId | undefined;
}

export interface ProjectionOptions {
  /** The field that identifies an element of an array state. */
  readonly key: string;
  /** The op of each event type; unlisted types merge. */
  readonly handlers: ReadonlyMap<string, Op>;
}

export const DEFAULT_OPTIONS: ProjectionOptions = { key: 'id', handlers: new Map() };

/** A named read model: a state, a version counting the events applied, and the ids it has seen. */
export class Projection {
  private currentVersion = 0;
  private state: ProjectionState;
  /** The event_id of every event applied since the last rebuild. */
  private appliedIds = new JsonKeyMap<true>();
  /** The initial state as JSON: parsing it again gives a fresh deep copy for each rebuild. */
  private readonly initialJson: string;

  constructor(
    readonly name: string,
    initialState: unknown,
    private readonly options: ProjectionOptions,
  ) {
    this.initialJson = stringifyJson(initialState);
    this.state = this.initialState();
  }

  get version(): number {
    return this.currentVersion;
  }

  /** The state, to be serialized at once and not changed (see ProjectionState.serializable). */
  stateValue(): unknown {
    return this.state.serializable();
  }

  /**
   * Applies one event. False if its event_id was applied before, and then nothing
   * changes. A redelivery is recognised before the version check, so the retry of a
   * write that did happen is answered as a duplicate, not as a conflict.
   */
  update(event: ProjectionEvent, expectedVersion?: number): boolean {
    const id = event.event_id;
    if (id !== undefined && this.appliedIds.has(id)) return false;
    this.checkVersion(expectedVersion);
    this.state = this.apply(this.state, event);
    if (id !== undefined) this.appliedIds.set(id, true);
    this.currentVersion++;
    return true;
  }

  /**
   * Replays `events` on a fresh copy of the initial state, skipping repeated event ids,
   * and returns how many were applied. All or nothing: if one event is refused, the
   * projection keeps its old state, version and ids.
   */
  rebuild(events: readonly ProjectionEvent[], expectedVersion?: number): number {
    this.checkVersion(expectedVersion);
    let state = this.initialState();
    const ids = new JsonKeyMap<true>();
    let applied = 0;
    for (let index = 0; index < events.length; index++) {
      const event = events[index] as ProjectionEvent;
      if (event.event_id !== undefined) {
        if (ids.has(event.event_id)) continue;
        ids.set(event.event_id, true);
      }
      try {
        state = this.apply(state, event);
      } catch (error) {
        if (error instanceof ProjectionError) throw invalidEvent(`events[${index}]: ${error.message}`);
        throw error;
      }
      applied++;
    }
    this.state = state;
    this.appliedIds = ids;
    this.currentVersion = applied;
    return applied;
  }

  private checkVersion(expected: number | undefined): void {
    if (expected === undefined || expected === this.currentVersion) return;
    throw new ProjectionError(
      'version-mismatch',
      `expected version ${expected}, but projection ${JSON.stringify(this.name)} is at version ${this.currentVersion}`,
    );
  }

  private initialState(): ProjectionState {
    return stateFor(parseJson(this.initialJson), this.options.key);
  }

  private apply(state: ProjectionState, event: ProjectionEvent): ProjectionState {
    const data = event.event_data;
    switch (this.options.handlers.get(event.event_type) ?? 'merge') {
      case 'merge':
        return state.merge(data);
      case 'append':
        return state.append(data);
      case 'remove':
        return state.remove(data);
      case 'replace':
        return stateFor(data, this.options.key);
      case 'ignore':
        return state;
    }
  }
}
