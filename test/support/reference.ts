import type { Op } from '../../src/projections/ops.js';
import { isObject } from './json.js';

/** The documented semantics, written the slow and obvious way: linear scans, fresh copies. */
export function referenceApply(state: unknown, op: Op, data: unknown): unknown {
  const sameKey = (element: unknown) =>
    isObject(element) &&
    isObject(data) &&
    'id' in element &&
    'id' in data &&
    JSON.stringify(element.id) === JSON.stringify(data.id);
  if (op === 'ignore') return state;
  if (op === 'replace') return data;
  if (Array.isArray(state)) {
    const at = state.findIndex(sameKey);
    if (op === 'merge' && at >= 0)
      return state.map((element, i) => (i === at ? { ...(element as object), ...(data as object) } : element));
    if (op === 'merge' || op === 'append') return [...state, data];
    if (!isObject(data) || !('id' in data)) throw new Error('refused');
    return at < 0 ? state : state.filter((_, i) => i !== at);
  }
  if (isObject(state)) {
    if (op === 'append') throw new Error('refused');
    if (op === 'merge') {
      if (!isObject(data)) throw new Error('refused');
      return { ...state, ...data };
    }
    const names = typeof data === 'string' ? [data] : isObject(data) ? Object.keys(data) : data;
    if (!Array.isArray(names) || !names.every((name) => typeof name === 'string')) throw new Error('refused');
    return Object.fromEntries(Object.entries(state).filter(([name]) => !names.includes(name)));
  }
  if (op === 'merge') return data;
  throw new Error('refused');
}
