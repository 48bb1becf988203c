import { stringifyJson } from '../json/stringify.js';
import { JsonFragment } from '../json/value.js';
import type { ArrayListener } from '../projections/array-state.js';
import { ArrayState } from '../projections/array-state.js';
import type { Projection } from '../projections/projection.js';
import type { ProjectionState } from '../projections/state.js';
import { ArraySegments } from './array-segments.js';

/** Arrays with at least this many elements keep their JSON as bytes that follow each change. */
const BYTES_MIN_ELEMENTS = 32;

/** Whether the state's JSON is kept as bytes that follow its changes (ArraySegments). */
function keptAsBytes(state: ProjectionState): state is ArrayState {
  return state instanceof ArrayState && state.size >= BYTES_MIN_ELEMENTS;
}

/**
 * The JSON of one projection's state, for replies. An array state of 32 or more
 * elements keeps its JSON as segments of bytes, told of each change by the state (see
 * ArraySegments). Other states are serialized per request; the length of the last
 * serialization is kept while the state is unchanged.
 */
export class StateJson implements ArrayListener {
  private state: ProjectionState | undefined;
  /** The version `knownLength` was measured at, for the state in `state`. */
  private measuredVersion = -1;
  private knownLength = 0;
  private bytes: ArraySegments | undefined;
  /** The version `knownBytes` was measured at, for the state in `state`. */
  private bytesVersion = -1;
  private knownBytes = 0;

  private initialJsonLength: number | undefined;
  /** The state's JSON as given by seed(), for the version it was given at. */
  private seeded: { readonly json: string; readonly version: number; readonly length: number } | undefined;

  constructor(private readonly projection: Projection) {}

  /** The length of the initial state's JSON, which never changes. */
  initialLength(): number {
    return (this.initialJsonLength ??= stringifyJson(this.projection.initialState).length);
  }

  /**
   * Takes `json` as the JSON of the current state, until it changes: a state loaded from
   * a data directory is answered with the text it was loaded from (whose JSON, written
   * by this node, is what serializing the state again would make).
   */
  seed(json: string): void {
    // Measured as length() measures it unseeded: in bytes where the state would be cached as bytes.
    const length = keptAsBytes(this.follow()) ? Buffer.byteLength(json) : json.length;
    this.seeded = { json, version: this.projection.version, length };
  }

  /** The state's JSON, to be written at once. */
  json(): JsonFragment {
    const state = this.follow();
    if (this.seeded !== undefined) {
      if (this.seeded.version === this.projection.version) return new JsonFragment([this.seeded.json]);
      this.seeded = undefined;
    }
    if (keptAsBytes(state)) {
      this.bytes ??= new ArraySegments(state);
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
    if (this.seeded?.version === this.projection.version) return this.seeded.length;
    if (!this.bytes && this.measuredVersion !== this.projection.version) this.json();
    return this.bytes ? this.bytes.byteLength : this.knownLength;
  }

  /** UTF-8 bytes of the state's JSON, measured once per version of the state. */
  byteLength(): number {
    this.follow();
    if (this.bytesVersion !== this.projection.version) {
      let bytes = 0;
      for (const part of this.json().parts) bytes += typeof part === 'string' ? Buffer.byteLength(part) : part.length;
      this.knownBytes = bytes;
      this.bytesVersion = this.projection.version;
    }
    return this.knownBytes;
  }

  appended(slot: number): void {
    this.bytes?.appended(slot);
  }

  changed(slot: number): void {
    this.bytes?.changed(slot);
  }

  removed(slot: number): void {
    this.bytes?.changed(slot);
  }

  compacted(): void {
    // Every slot moved: built again when next asked for, from the compacted state.
    this.bytes = undefined;
  }

  /** The projection's current state, with the caches reset if it is another one than last time. */
  private follow(): ProjectionState {
    const state = this.projection.state;
    if (state === this.state) return state;
    if (this.state instanceof ArrayState && this.state.listener === this) this.state.listener = undefined;
    this.state = state;
    this.measuredVersion = -1;
    this.bytesVersion = -1;
    this.bytes = undefined;
    this.seeded = undefined;
    if (state instanceof ArrayState) state.listener = this;
    return state;
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
