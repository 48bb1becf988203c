/** The envelopes the test network carries, and the check every line a node writes must pass. */
import { parseJson } from '../../src/json/parse.js';
import { isObject } from '../support/json.js';

export interface Body {
  readonly type: string;
  readonly msg_id?: number;
  readonly in_reply_to?: number;
  readonly [field: string]: unknown;
}

/** A message as a node wrote it: the parsed envelope and the exact line (without "\n"). */
export interface Received {
  readonly src: string;
  readonly dest: string;
  readonly body: Body;
  readonly line: string;
}

/** Checks that `line` is an envelope Maelstrom accepts, and parses it (numbers exactly). */
export function parseEnvelope(line: string): Received {
  const value = parseJson(line);
  if (!isObject(value)) throw new Error('not a JSON object');
  const { src, dest, body } = value;
  if (typeof src !== 'string') throw new Error('src is not a string');
  if (typeof dest !== 'string') throw new Error('dest is not a string');
  if (!isObject(body)) throw new Error('body is not an object');
  if (typeof body.type !== 'string') throw new Error('body.type is not a string');
  for (const field of ['msg_id', 'in_reply_to'] as const) {
    if (body[field] !== undefined && !Number.isSafeInteger(body[field]))
      throw new Error(`body.${field} is not an integer`);
  }
  return { src, dest, body: body as Body, line };
}
