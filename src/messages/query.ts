import * as z from 'zod';
import { stringifyJson } from '../json/stringify.js';
import { isJsonObject, jsonTypeOf, JsonFragment, type JsonObject } from '../json/value.js';
import { ErrorCode, RpcError } from '../maelstrom/errors.js';
import { runQuery } from '../projections/query.js';
import { defineMessage } from './message.js';
import { count, fieldList, fieldName, MAX_FIELDS, MAX_NAME_LENGTH, projectionName } from './schemas.js';

/** `{field: value, …}`, checked member by member up to the first bad name; pairs in the order sent. */
const where = z
  .custom<JsonObject>(isJsonObject, {
    error: ({ input }) => `must be an object, got ${jsonTypeOf(input)}`,
  })
  .check((payload) => {
    const names = Object.keys(payload.value);
    if (names.length > MAX_FIELDS) {
      payload.issues.push({ code: 'custom', input: payload.value, message: `must have at most ${MAX_FIELDS} fields` });
      return;
    }
    for (const name of names) {
      if (name.length === 0) {
        payload.issues.push({ code: 'custom', input: name, message: 'has an empty field name' });
        return;
      }
      if (name.length <= MAX_NAME_LENGTH) continue;
      const path = [`${name.slice(0, 40)}…`];
      payload.issues.push({
        code: 'custom',
        input: name,
        path,
        message: `is a field name longer than ${MAX_NAME_LENGTH} characters`,
      });
      return;
    }
  })
  .transform((fields) => Object.keys(fields).map((name) => [name, fields[name]] as const));

export const query = defineMessage({
  type: 'query',
  projectionOf: (body) => body.projection,
  schema: z.object({
    projection: projectionName,
    key: z.unknown().optional(),
    where: where.optional(),
    order_by: fieldName.optional(),
    descending: z.boolean().optional(),
    offset: count.optional(),
    limit: count.optional(),
    fields: fieldList.optional(),
  }),
  run({ store, room }, { body }) {
    const projection = store.read(body.projection);
    const { total, items } = runQuery(projection, {
      // Present with any value, null included, it asks for that key.
      key: 'key' in body ? { value: body.key } : undefined,
      where: body.where,
      orderBy: body.order_by,
      descending: body.descending,
      offset: body.offset,
      limit: body.limit,
      fields: body.fields,
    });
    return {
      type: 'query_ok',
      projection: projection.name,
      version: projection.version,
      total,
      items: itemsJson(items, projection.state.kind === 'object', room.maxJson),
    };
  },
});

/**
 * The items' JSON. Those of an array or scalar state are parts of its JSON, which is
 * bounded already; an object state's members grow by their wrapping, so they are
 * written one by one, and a reply past `maxJson` characters is refused.
 */
function itemsJson(items: readonly unknown[], wrapped: boolean, maxJson: number): JsonFragment {
  if (!wrapped) return new JsonFragment([stringifyJson(items)]);
  let json = '[';
  for (const item of items) {
    const text = stringifyJson(item);
    if (json.length + text.length + 2 > maxJson) {
      throw new RpcError(
        ErrorCode.malformedRequest,
        `query: the items' JSON would be longer than ${maxJson} characters, the most a reply can carry; ask for fewer with limit`,
      );
    }
    json += json.length === 1 ? text : `,${text}`;
  }
  return new JsonFragment([`${json}]`]);
}
