import { isJsonObject, setOwn, type JsonObject } from '../json/value.js';
import { ArrayState } from './array-state.js';
import { compareJson, sameJsonAs } from './json-order.js';
import type { Projection } from './projection.js';

/** What a query asks of a projection's items; every part is optional. */
export interface Query {
  /** Items whose key equals this value: `key` is there, even when its value is null. */
  readonly key?: { readonly value: unknown } | undefined;
  /** Items whose every named top-level field equals its value. */
  readonly where?: readonly (readonly [string, unknown])[] | undefined;
  readonly orderBy?: string | undefined;
  readonly descending?: boolean | undefined;
  readonly offset?: number | undefined;
  readonly limit?: number | undefined;
  /** The top-level fields each item keeps. */
  readonly fields?: readonly string[] | undefined;
}

export interface QueryResult {
  /** The matching items, before offset and limit. */
  readonly total: number;
  readonly items: unknown[];
}

/** The field of an object state's item that holds its member's name: the item's key. */
const MEMBER_NAME = 'key';

/**
 * A query's answer. The items of an array state are its elements, and an item's key is
 * its key field, as upserts see it; the items of an object state are its members as
 * `{"key": name, "value": value}`, and an item's key is its name; a scalar state is one
 * item, with no key. Items stay in state order unless `orderBy` sorts them (stably, by
 * compareJson, items without the field first).
 */
export function runQuery(projection: Projection, query: Query): QueryResult {
  const state = projection.state;
  const keyField = state instanceof ArrayState ? projection.definition.key : MEMBER_NAME;
  const conditions = (query.where ?? []).map(([field, value]) => condition(field, value));
  if (query.key) conditions.unshift(condition(keyField, query.key.value));
  let matches: unknown[];
  if (state instanceof ArrayState) matches = arrayMatches(state, conditions);
  else {
    const value = state.value();
    const items = state.kind === 'object' ? membersOf(value as JsonObject, conditions) : [value];
    matches = items.filter((item) => matchesAll(item, conditions));
  }
  const { orderBy } = query;
  if (orderBy !== undefined) {
    const direction = query.descending ? -1 : 1;
    matches.sort((a, b) => direction * compareFields(a, b, orderBy));
  }
  const offset = query.offset ?? 0;
  const limit = query.limit ?? Number.POSITIVE_INFINITY;
  let items = offset === 0 && limit >= matches.length ? matches : matches.slice(offset, offset + limit);
  const { fields } = query;
  if (fields) {
    const kept = new Set(fields);
    items = items.map((item) => pick(item, kept));
  }
  return { total: matches.length, items };
}

/** A top-level field that an item must have, with a value equal to `value`. */
interface Condition {
  readonly field: string;
  readonly value: unknown;
  readonly matches: (other: unknown) => boolean;
}

function condition(field: string, value: unknown): Condition {
  return { field, value, matches: sameJsonAs(value) };
}

/** The elements that meet every condition, found through an index where one applies. */
function arrayMatches(state: ArrayState, conditions: readonly Condition[]): unknown[] {
  let candidates: number[] | undefined;
  for (const { field, value } of conditions) {
    const slots = state.slotsWith(field, value);
    if (slots && (!candidates || slots.length < candidates.length)) candidates = slots;
  }
  const matches: unknown[] = [];
  // An indexed answer is checked like a scanned one: an index may only narrow the search.
  if (candidates) {
    for (const slot of candidates) {
      const element = state.elementAt(slot);
      if (matchesAll(element, conditions)) matches.push(element);
    }
    return matches;
  }
  for (let slot = 0; slot < state.slotCount; slot++) {
    const element = state.elementAt(slot);
    if (element !== undefined && matchesAll(element, conditions)) matches.push(element);
  }
  return matches;
}

function matchesAll(item: unknown, conditions: readonly Condition[]): boolean {
  if (conditions.length === 0) return true;
  if (!isJsonObject(item)) return false;
  for (const { field, matches } of conditions) {
    if (!Object.hasOwn(item, field) || !matches(item[field])) return false;
  }
  return true;
}

/**
 * An object state's members as items; only the one a condition on `key` names, if there is
 * such a condition: a name is looked up, not searched for.
 */
function membersOf(object: JsonObject, conditions: readonly Condition[]): JsonObject[] {
  const byName = conditions.find(({ field }) => field === MEMBER_NAME);
  if (byName === undefined) return Object.keys(object).map((name) => ({ key: name, value: object[name] }));
  const name = byName.value;
  return typeof name === 'string' && Object.hasOwn(object, name) ? [{ key: name, value: object[name] }] : [];
}

/** Orders two items by one field; an item without it comes first. */
function compareFields(a: unknown, b: unknown, field: string): number {
  const hasA = isJsonObject(a) && Object.hasOwn(a, field);
  const hasB = isJsonObject(b) && Object.hasOwn(b, field);
  if (!hasA || !hasB) return Number(hasA) - Number(hasB);
  return compareJson((a as JsonObject)[field], (b as JsonObject)[field]);
}

/** An object item with only the `kept` fields, in its own order; any other item as it is. */
function pick(item: unknown, kept: ReadonlySet<string>): unknown {
  if (!isJsonObject(item)) return item;
  const picked: JsonObject = {};
  for (const name in item) if (kept.has(name)) setOwn(picked, name, item[name]);
  return picked;
}
