import * as z from 'zod';
import { jsonTypeOf } from '../json/value.js';
import { HotSchema } from './hot-schema.js';

/** An array of anything, kept as it arrived; its elements are checked elsewhere (see listOf, checkElements). */
export function anyList() {
  return z.custom<unknown[]>(Array.isArray, {
    error: ({ input }) => (input === undefined ? 'is required' : `must be an array, got ${jsonTypeOf(input)}`),
  });
}

/**
 * Checks `list` up to its first element that `hot` refuses, and adds that element's
 * issues, at `path` and its index, through `addIssue`.
 */
export function checkElements<Element extends z.ZodType>(
  element: Element,
  hot: HotSchema<Element>,
  list: readonly unknown[],
  path: readonly PropertyKey[],
  addIssue: (issue: z.core.$ZodRawIssue) => void,
): void {
  for (let index = 0; index < list.length; index++) {
    if (hot.validate(list[index])) continue;
    // Asked again for the details only on failure: reportInput turns off zod's compiled parser.
    const { error } = element.safeParse(list[index], { reportInput: true });
    for (const issue of error?.issues ?? []) {
      // An issue zod has finished is a raw issue again with its input given back.
      addIssue({ ...issue, input: issue.input, path: [...path, index, ...issue.path] } as z.core.$ZodRawIssue);
    }
    return;
  }
}

/**
 * An array whose elements `element` accepts, kept as it arrived (z.array would copy a
 * million elements) and checked up to its first bad element only: a bad list costs no
 * more than a good one, and its error names that one element. A list longer than
 * `max` is refused before any element is looked at.
 */
export function listOf<Element extends z.ZodType>(element: Element, max = Number.POSITIVE_INFINITY) {
  const hot = new HotSchema(element);
  return anyList().check((payload) => {
    const list = payload.value;
    if (list.length > max) {
      payload.issues.push({ code: 'custom', input: list, message: `must have at most ${max} entries` });
      return;
    }
    checkElements(element, hot, list, [], (issue) => payload.issues.push(issue));
  }) as z.ZodType<z.output<Element>[], unknown[]>;
}
