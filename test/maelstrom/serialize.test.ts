import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonFragment } from '../../src/json/value.js';
import { EnvelopeSerializer, Memo } from '../../src/maelstrom/serialize.js';

const text = (json: ReturnType<EnvelopeSerializer['serialize']>): string =>
  typeof json === 'string'
    ? json
    : json.map((part) => (typeof part === 'string' ? part : part.toString('utf8'))).join('');

describe('EnvelopeSerializer', () => {
  it('writes what JSON.stringify writes, in_reply_to second, undefined fields left out', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        fc.string(),
        fc.option(fc.integer()),
        fc.dictionary(fc.string(), fc.jsonValue()),
        (src, dest, type, inReplyTo, fields) => {
          const body = { type, ...fields, skipped: undefined };
          const expected = {
            src,
            dest,
            body: { type, ...(inReplyTo === null ? {} : { in_reply_to: inReplyTo }), ...fields },
          };
          delete (expected.body as Record<string, unknown>).skipped;
          const json = new EnvelopeSerializer().serialize(src, dest, body, inReplyTo ?? undefined);
          expect(JSON.parse(text(json))).toEqual(JSON.parse(JSON.stringify(expected)));
          expect(text(json).endsWith('}}\n')).toBe(true);
        },
      ),
    );
  });

  it("writes a relayed body's fields as they are, its in_reply_to replaced by this reply's", () => {
    const relayed = JSON.parse('{"type":"read_ok","in_reply_to":99,"__proto__":{"a":1},"state":[1]}');
    const json = new EnvelopeSerializer().serialize('n1', 'c1', relayed, 7);
    expect(json).toBe(
      '{"src":"n1","dest":"c1","body":{"type":"read_ok","in_reply_to":7,"__proto__":{"a":1},"state":[1]}}\n',
    );
  });

  it('passes fragments through as they are', () => {
    const cached = Buffer.from('[1,2');
    const json = new EnvelopeSerializer().serialize(
      'n1',
      'c1',
      { type: 'read_ok', state: new JsonFragment([cached, ']']), n: 1 },
      7,
    );
    expect(Array.isArray(json) && json.includes(cached)).toBe(true);
    expect(text(json)).toBe('{"src":"n1","dest":"c1","body":{"type":"read_ok","in_reply_to":7,"state":[1,2],"n":1}}\n');
  });

  it('caches no long id, and holds a bounded number of characters for many short ones', () => {
    const serializer = new EnvelopeSerializer();
    for (let i = 0; i < 32; i++) serializer.serialize('n1', `${'c'.repeat(8 * 1024 * 1024)}${i}`, { type: 'ok' }, 1);
    expect(serializer.cachedChars).toBe(0);
    for (let i = 0; i < 100_000; i++) serializer.serialize('n1', `client-${i}-${'x'.repeat(50)}`, { type: 'ok' }, 1);
    expect(serializer.cachedChars).toBeGreaterThan(0);
    expect(serializer.cachedChars).toBeLessThanOrEqual(1024 * 1024);
    // A long node id makes every head long: none is cached.
    const longNode = new EnvelopeSerializer();
    longNode.serialize('n'.repeat(1000), 'c1', { type: 'ok' }, 1);
    expect(longNode.cachedChars).toBe(0);
  });
});

describe('Memo', () => {
  it('makes each text once while it is cached', () => {
    let made = 0;
    const memo = new Memo((text) => `${text}!${++made}`);
    expect([memo.get('a'), memo.get('a'), memo.get('b')]).toEqual(['a!1', 'a!1', 'b!2']);
  });
});
