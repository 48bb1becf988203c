import { ProjectionError } from './errors.js';
import { DEFAULT_OPTIONS, Projection, type ProjectionEvent, type ProjectionOptions } from './projection.js';

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

/** All projections of this node by name, in creation order. Every failed call changes nothing. */
export class ProjectionStore {
  private readonly projections = new Map<string, Projection>();

  create(name: string, initialState: unknown, options: ProjectionOptions = DEFAULT_OPTIONS): Projection {
    const existing = this.projections.get(name);
    if (existing) {
      throw new ProjectionError(
        'already-exists',
        `projection ${JSON.stringify(name)} already exists at version ${existing.version}`,
      );
    }
    const projection = new Projection(name, initialState, options);
    this.projections.set(name, projection);
    return projection;
  }

  /** Applies one event. An unknown projection is created from [] first. */
  update(name: string, event: ProjectionEvent, expectedVersion?: number): UpdateResult {
    const projection = this.writable(name);
    const duplicate = !projection.update(event, expectedVersion);
    this.projections.set(name, projection);
    return { projection, duplicate };
  }

  /** Replays `events` from the initial state. An unknown projection is created from [] first. */
  rebuild(name: string, events: readonly ProjectionEvent[], expectedVersion?: number): RebuildResult {
    const projection = this.writable(name);
    const eventsProcessed = projection.rebuild(events, expectedVersion);
    this.projections.set(name, projection);
    return { projection, eventsProcessed };
  }

  read(name: string): Projection {
    const projection = this.projections.get(name);
    if (!projection) throw notFound(name);
    return projection;
  }

  list(): ProjectionSummary[] {
    return Array.from(this.projections.values(), ({ name, version }) => ({ name, version }));
  }

  delete(name: string): void {
    if (!this.projections.delete(name)) throw notFound(name);
  }

  /** The projection a write goes to: a new one joins the store only once the write succeeds. */
  private writable(name: string): Projection {
    return this.projections.get(name) ?? new Projection(name, [], DEFAULT_OPTIONS);
  }
}

function notFound(name: string): ProjectionError {
  return new ProjectionError('not-found', `projection ${JSON.stringify(name)} does not exist`);
}
