/** The test network's check of every line a node writes. */
import { describe, expect, it } from 'vitest';
import { parseEnvelope } from './envelope.js';

describe('parseEnvelope (the network check of every stdout line)', () => {
  it('accepts an envelope and keeps the exact line', () => {
    const line = '{"src":"n1","dest":"c1","body":{"type":"read_ok","in_reply_to":3,"n":123456789012345678901}}';
    expect(parseEnvelope(line)).toMatchObject({
      src: 'n1',
      dest: 'c1',
      body: { type: 'read_ok', in_reply_to: 3 },
      line,
    });
  });

  it.each([
    ['not JSON', 'hello'],
    ['an empty line', ''],
    ['an array', '[]'],
    ['no src', '{"dest":"c1","body":{"type":"x"}}'],
    ['a numeric dest', '{"src":"n1","dest":1,"body":{"type":"x"}}'],
    ['a body that is not an object', '{"src":"n1","dest":"c1","body":[]}'],
    ['a body without type', '{"src":"n1","dest":"c1","body":{"msg_id":1}}'],
    ['a fractional in_reply_to', '{"src":"n1","dest":"c1","body":{"type":"x","in_reply_to":1.5}}'],
  ])('rejects %s', (_, line) => {
    expect(() => parseEnvelope(line)).toThrow();
  });
});
