// Checks of replies that no baseline gives, such as a rebuild too big for the
// naive. Each throws BenchError on the first wrong reply.
import { BenchError, parseOrUndefined, readLines, show } from './lines.js';

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

/** The replies to create, a rebuild of `events` events, then list, of projection "r". */
export function checkRebuildList(output: string, events: number): void {
  const [created, rebuilt, list] = readLines(output);
  expectBody(created, 'create', { type: 'projection_created', version: 0 });
  expectBody(rebuilt, 'rebuild', { type: 'projection_rebuilt', events_processed: events, version: events });
  expectBody(list, 'list', { type: 'list_ok', projections: [{ name: 'r', version: events }] });
}
