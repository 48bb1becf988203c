/** A rebuild that streams on a node of a cluster: its events were taken here, so it is never forwarded. */
import { describe, expect, it } from 'vitest';
import { serveProjections } from '../../src/serve.js';
import { nameOwnedBy } from '../support/ownership.js';
import { start } from '../support/in-process-node.js';
import { bodies, message } from '../support/messages.js';

const NODE_IDS = ['n1', 'n2'];

describe('a streamed rebuild in a cluster', () => {
  it('that names, after its events, a projection another node owns is error 12, and nothing is forwarded', async () => {
    const here = nameOwnedBy('n1', NODE_IDS, 'here');
    const there = nameOwnedBy('n2', NODE_IDS, 'there');
    const events = Array.from({ length: 3000 }, (_, n) => `{"event_type":"E","event_data":{"id":${n % 100},"n":${n}}}`);
    const input = Buffer.from(
      `${[
        message('{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1","n2"]}'),
        message(
          `{"type":"rebuild","msg_id":2,"projection":${JSON.stringify(here)},"events":[${events.join(',')}],"projection":${JSON.stringify(there)}}`,
        ),
      ].join('\n')}\n`,
    );
    const harness = start((node) => serveProjections(node, { rpcTimeoutMs: 1000 }));
    // In pieces, a turn of the event loop apiece, so that the long line streams.
    for (let from = 0; from < input.length; from += 16 * 1024) {
      harness.write(input.subarray(from, from + 16 * 1024));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const out = await harness.finish();
    expect(out.filter((line) => line.includes('"type":"forward"'))).toEqual([]);
    expect(bodies(out)[1]).toEqual({
      type: 'error',
      in_reply_to: 2,
      code: 12,
      text: 'rebuild: projection is given twice, with different values',
    });
  });
});
