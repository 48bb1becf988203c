import { setOwn, type JsonObject } from '../json/value.js';

/** A shallow merge: `data`'s members overwrite the target's, in place. */
export function mergeInto(target: JsonObject, data: JsonObject): void {
  // for-in sees only own keys here: parsed JSON objects inherit nothing enumerable.
  for (const name in data) setOwn(target, name, data[name]);
}
