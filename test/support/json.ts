import { parseJson } from '../../src/json/parse.js';
import type { JsonFragment } from '../../src/json/value.js';

/** The text of a serialized fragment, however its parts are held. */
export function fragmentText(fragment: JsonFragment): string {
  return fragment.parts.map((part) => (typeof part === 'string' ? part : part.toString('utf8'))).join('');
}

/** The value of a serialized fragment. */
export function fragmentValue(fragment: JsonFragment): unknown {
  return parseJson(fragmentText(fragment));
}
