import { stringifyJson } from '../json/stringify.js';
import { JsonFragment } from '../json/value.js';
import type { ArrayListener } from '../projections/array-state.js';
import { ArrayState } from '../projections/array-state.js';
import type { Projection } from '../projections/projection.js';
import type { ProjectionState } from '../projections/state.js';
import { ArrayBytes } from './array-bytes.js';

/** Arrays with at least this many elements keep their JSON as growing bytes. */
const BYTES_MIN_ELEMENTS = 32;

/**
 * The JSON of one projection's state, for replies. An array state of 32 or more
 * elements keeps its JSON as growing bytes, told of each change by the state: an
 * append writes only the new element, and an upsert or remove re-serializes only the
 * element it changed. Other states are serialized per request; the length of the last
 * serialization is kept while the state is unchanged.
 */
export class StateJson implements ArrayListener {
  private state: ProjectionState | undefined;
  /** The version `knownLength` was measured at, for the state in `state`. */
  private measuredVersion = -1;
  private knownLength = 0;
  /** Each array slot's JSON, computed when first needed; undefined for holes too. */
  private slotJson: (string | undefined)[] = [];
  private bytes: ArrayBytes | undefined;
  /** Whether the bytes have been built before: later builds reuse each element's JSON. */
  private bytesBuilt = false;

  private initialJsonLength: number | undefined;

  constructor(private readonly projection: Projection) {}

  /** The length of the initial state's JSON, which never changes. */
  initialLength(): number {
    return (this.initialJsonLength ??= stringifyJson(this.projection.initialState).length);
  }

  /** The state's JSON, to be written at once. */
  json(): JsonFragment {
    const state = this.follow();
    if (state instanceof ArrayState && state.size >= BYTES_MIN_ELEMENTS) {
      this.bytes ??= new ArrayBytes(this.openJson(state), state.size === 0);
      return this.bytes.fragment();
    }
    const text = stringifyJson(state.value());
    this.knownLength = text.length;
    this.measuredVersion = this.projection.version;
    return new JsonFragment([text]);
  }

  /** The length of the state's JSON: UTF-16 units, or UTF-8 bytes (never fewer) where it is cached as bytes. */
  length(): number {
    this.follow();
    if (!this.bytes && this.measuredVersion !== this.projection.version) this.json();
    return this.bytes ? this.bytes.byteLength : this.knownLength;
  }

  appended(slot: number): void {
    this.slotJson[slot] = undefined;
    this.bytes?.append(this.jsonAt(this.state as ArrayState, slot));
  }

  changed(slot: number): void {
    this.slotJson[slot] = undefined;
    this.bytes = undefined;
  }

  removed(slot: number): void {
    this.changed(slot);
  }

  compacted(kept: readonly number[]): void {
    this.slotJson = kept.map((slot) => this.slotJson[slot]);
  }

  /** The projection's current state, with the caches reset if it is another one than last time. */
  private follow(): ProjectionState {
    const state = this.projection.state;
    if (state === this.state) return state;
    if (this.state instanceof ArrayState && this.state.listener === this) this.state.listener = undefined;
    this.state = state;
    this.measuredVersion = -1;
    this.bytes = undefined;
    this.bytesBuilt = false;
    this.slotJson = [];
    if (state instanceof ArrayState) {
      state.listener = this;
      this.slotJson = new Array<string | undefined>(state.slotCount);
    }
    return state;
  }

  private jsonAt(state: ArrayState, slot: number): string {
    return (this.slotJson[slot] ??= stringifyJson(state.elementAt(slot)));
  }

  /** "[" and the elements' JSON, comma-separated, without the closing bracket. */
  private openJson(state: ArrayState): string {
    // The first build has no element JSON to reuse (after a rebuild, say), and one
    // native call for the whole array is about 3x faster than one per element.
    const firstBuild = !this.bytesBuilt;
    this.bytesBuilt = true;
    if (firstBuild && !state.hasHoles) return stringifyJson(state.value()).slice(0, -1);
    let json = '[';
    let first = true;
    for (let slot = 0; slot < state.slotCount; slot++) {
      if (state.elementAt(slot) === undefined) continue;
      json += first ? this.jsonAt(state, slot) : `,${this.jsonAt(state, slot)}`;
      first = false;
    }
    return json;
  }
}

/** The StateJson of each projection, made when first asked for and gone with the projection. */
export class StateJsonCache {
  private readonly byProjection = new WeakMap<Projection, StateJson>();

  of(projection: Projection): StateJson {
    let json = this.byProjection.get(projection);
    if (!json) {
      json = new StateJson(projection);
      this.byProjection.set(projection, json);
    }
    return json;
  }
}
