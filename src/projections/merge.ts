import { MAX_MEMBERS, setOwn, type JsonObject } from '../json/value.js';
import { invalidEvent } from './errors.js';

/**
 * Objects of this many members or more have their count remembered once counted, and kept
 * up to date from then on: a smaller one is counted again when a merge adds to it, which
 * costs less than the merge.
 */
const REMEMBERED_MEMBERS = 256;

/** Member counts of large objects that merges have added to, kept up to date by mergeInto and removeMembers. */
const memberCounts = new WeakMap<JsonObject, number>();

/**
 * The members `target` would have after merging `data`, when it gains some; throws
 * (changing nothing) if that passes `maxMembers`.
 */
export function membersAfterMerge(target: JsonObject, data: JsonObject, maxMembers = MAX_MEMBERS): number | undefined {
  let added = 0;
  // for-in sees only own keys here: parsed JSON objects inherit nothing enumerable.
  for (const name in data) if (!Object.hasOwn(target, name)) added++;
  if (added === 0) return undefined;
  const before = membersOf(target);
  // Kept even if this merge is refused: counting a large object again for each refusal would cost seconds.
  if (before >= REMEMBERED_MEMBERS) memberCounts.set(target, before);
  const members = before + added;
  if (members > maxMembers) {
    throw invalidEvent(`the merge would give an object ${members} members, more than the ${maxMembers} allowed`);
  }
  return members;
}

/** A shallow merge: `data`'s members overwrite the target's, in place. Throws as membersAfterMerge does. */
export function mergeInto(target: JsonObject, data: JsonObject, maxMembers = MAX_MEMBERS): void {
  applyMerge(target, data, membersAfterMerge(target, data, maxMembers));
}

/** mergeInto, for a caller that has asked membersAfterMerge (`members`) before changing anything else. */
export function applyMerge(target: JsonObject, data: JsonObject, members: number | undefined): void {
  for (const name in data) setOwn(target, name, data[name]);
  // A count once kept is kept up to date, whatever the object's size since.
  if (members !== undefined && (members >= REMEMBERED_MEMBERS || memberCounts.has(target))) {
    memberCounts.set(target, members);
  }
}

/** Deletes the named members of `target`, those it has. */
export function removeMembers(target: JsonObject, names: readonly string[]): void {
  let removed = 0;
  for (const name of names) {
    if (!Object.hasOwn(target, name)) continue;
    delete target[name];
    removed++;
  }
  const members = memberCounts.get(target);
  if (members !== undefined && removed > 0) memberCounts.set(target, members - removed);
}

/** The members of `object`: the count kept for it, if merges keep one, else counted. */
export function membersOf(object: JsonObject): number {
  let members = memberCounts.get(object);
  if (members !== undefined) return members;
  members = 0;
  for (const _ in object) members++;
  return members;
}
