/** The fields a streamed request names before its array, and who sent it. */
export interface StreamHead {
  readonly src: string;
  readonly dest: unknown;
  /** The body's fields before the array, each a string, number, boolean or null. */
  readonly body: Readonly<Record<string, unknown>>;
}

/** What takes the elements of a request's array as its line streams in, before the rest of the request is known. */
export interface ArraySink {
  /** The next elements, in order; `bytesRead` counts the line's bytes read so far. */
  take(elements: readonly unknown[], bytesRead: number): void;
  /**
   * What stands for the array in the request checked once its line has ended: as valid
   * or invalid as the streamed array was, and with the same first bad element.
   */
  standIn(): unknown[];
}

/** How a route's requests stream: the elements of their array `field` go to a sink (undefined: this one does not stream). */
export interface StreamSpec {
  readonly field: string;
  open(head: StreamHead): ArraySink | undefined;
}
