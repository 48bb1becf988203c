/** Limits: a bad request costs no more than a good one, and long strings never slow a lookup. */
import { describe, expect, it } from 'vitest';
import { bodies, message } from '../../support/messages.js';
import { runNode } from '../../support/process.js';

describe('a long invalid list', () => {
  it('is refused at its first bad element, in an error that names that one', async () => {
    const bad = Array.from({ length: 50_000 }, () => 1);
    const handlers = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`E${i}`, 'bogus']));
    const result = await runNode(
      [
        message(JSON.stringify({ type: 'rebuild', msg_id: 1, projection: 'p', events: [{ event_type: 'E', event_data: 1 }, ...bad] })),
        message(JSON.stringify({ type: 'init', msg_id: 2, node_id: 'n1', node_ids: ['n1', ...bad] })),
        message(JSON.stringify({ type: 'create', msg_id: 3, name: 'p', handlers })),
        message(JSON.stringify({ type: 'list', msg_id: 4 })),
      ].join('\n') + '\n',
    );
    expect(bodies(result.stdout)).toEqual([
      { type: 'error', in_reply_to: 1, code: 12, text: 'rebuild: events[1] must be an object, got number' },
      { type: 'error', in_reply_to: 2, code: 12, text: 'init: node_ids[1] must be a string, got number' },
      { type: 'error', in_reply_to: 3, code: 12, text: 'create: handlers.E0 must be one of merge, append, remove, replace, ignore' },
      { type: 'list_ok', in_reply_to: 4, projections: [] },
    ]);
  });
});
