// Checks of replies that no baseline gives: a rebuild too big for the naive, a
// restarted node's read, queries. Each throws BenchError on the first wrong reply.
import { BenchError, LineReader, parseOrUndefined, readLines, show } from './lines.js';

/** The object with id `id` somewhere in `value`, if any. */
function findId(value: unknown, id: string): boolean {
  if (Array.isArray(value)) return value.some((v) => findId(v, id));
  if (typeof value !== 'object' || value === null) return false;
  if ((value as { id?: unknown }).id === id) return true;
  return Object.values(value).some((v) => findId(v, id));
}

interface Envelope {
  body: Record<string, unknown>;
}

function parseReply(line: Buffer | undefined, what: string): Envelope {
  const reply = line === undefined ? undefined : parseOrUndefined(line);
  if (typeof reply !== 'object' || reply === null || typeof (reply as Envelope).body !== 'object') {
    throw new BenchError(`${what}: not a reply: ${show(line)}`);
  }
  return reply as Envelope;
}

function expectBody(line: Buffer | undefined, what: string, expected: Record<string, unknown>): void {
  const { body } = parseReply(line, what);
  for (const [field, value] of Object.entries(expected)) {
    if (JSON.stringify(body[field]) !== JSON.stringify(value)) {
      throw new BenchError(`${what}: expected ${field} ${JSON.stringify(value)}, got ${show(line)}`);
    }
  }
}

/** Each query's reply must hold the element it asked for. */
export function checkQueries(input: string, output: string): void {
  const requests = new LineReader(input);
  const replies = new LineReader(output);
  try {
    for (let request = requests.next(), n = 1; request !== undefined; request = requests.next(), n++) {
      const reply = replies.next();
      // Only a query's request is parsed: the rebuild line is ~80 MB, and reads' replies too.
      if (!request.subarray(0, 200).includes('"type":"query"')) continue;
      const body = parseReply(request, `request ${n}`).body;
      const where = body.where as { email?: unknown } | undefined;
      const id = typeof body.key === 'string' ? body.key : String(where?.email).replace(/@x$/, '');
      const answer = parseReply(reply, `reply ${n}`).body;
      if (answer.type === 'error' || !findId(answer, id))
        throw new BenchError(`query-1m: the reply to request ${n} lacks ${id}: ${show(reply)}`);
    }
  } finally {
    requests.close();
    replies.close();
  }
}

/** A restarted node reads back the state and version the in-memory node read after its rebuild (its third reply). */
export function checkRestart(inMemory: string, restarted: string): void {
  const expected = parseReply(readLines(inMemory)[2], 'in-memory read').body;
  const actual = parseReply(readLines(restarted)[0], 'restarted read').body;
  for (const field of ['type', 'projection', 'version', 'state']) {
    if (JSON.stringify(actual[field]) !== JSON.stringify(expected[field])) {
      throw new BenchError(`restarted read: ${field} differs from the in-memory read's`);
    }
  }
}

/** The replies to create, a rebuild of `events` events, then list, of projection "r". */
export function checkRebuildList(output: string, events: number): void {
  const [created, rebuilt, list] = readLines(output);
  expectBody(created, 'create', { type: 'projection_created', version: 0 });
  expectBody(rebuilt, 'rebuild', { type: 'projection_rebuilt', events_processed: events, version: events });
  expectBody(list, 'list', { type: 'list_ok', projections: [{ name: 'r', version: events }] });
}
