import type * as z from 'zod';
import { ExactNumber } from '../json/exact-number.js';
import { jsonTypeOf } from '../json/value.js';
import { ErrorCode, RpcError } from './errors.js';

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
  map: 'an object',
};

/** "events[3].event_type" from zod's path. */
function pathText(path: readonly PropertyKey[], root: string): string {
  let text = root;
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? String(part) : `.${String(part)}`;
  }
  return text === '' ? 'body' : text;
}

function issueText(issue: z.core.$ZodIssue, root: string): string {
  const where = pathText(issue.path, root);
  if (issue.code !== 'invalid_type') return `${where} ${issue.message}`;
  if (issue.input === undefined) return `${where} is required`;
  if (issue.input instanceof ExactNumber) return `${where} is out of range: ${issue.input.text}`;
  return `${where} must be ${EXPECTED[issue.expected] ?? issue.expected}, got ${jsonTypeOf(issue.input)}`;
}

/**
 * One line naming every field that is wrong, e.g. "event.event_type must be a
 * string, got number". `root` prefixes the paths ("body" for the envelope's body).
 */
export function describeIssues(error: { readonly issues: readonly z.core.$ZodIssue[] }, root = ''): string {
  return error.issues.map((issue) => issueText(issue, root)).join('; ');
}

/**
 * zod's issues for a value that failed `schema`, with each issue's input. Asking for
 * inputs up front turns off zod's compiled fast path (10x slower), so only a failure
 * pays for it.
 */
export function issuesWithInput(schema: z.ZodType, value: unknown): z.ZodError {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) throw new TypeError('issuesWithInput: the value is valid');
  return result.error;
}

/** Parses the body of a `type` request, or throws error 12 naming what is wrong. */
export function parseRequest<S extends z.ZodType>(schema: S, body: unknown, type: string): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  throw new RpcError(ErrorCode.malformedRequest, `${type}: ${describeIssues(issuesWithInput(schema, body))}`);
}
