import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { linesOf } from '../support/lines.js';
import { runNode } from '../support/spawned-node.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

interface Example {
  readonly kind: 'lines' | 'shell';
  readonly input: string;
  readonly output: string;
}

/** Each `<!-- example -->` marker is followed by an input block (lines or a shell command) and an output block. */
function examples(markdown: string): Example[] {
  const pattern = /<!-- example(: shell)? -->\s*```\w*\n([\s\S]*?)```\s*```\w*\n([\s\S]*?)```/g;
  return [...markdown.matchAll(pattern)].map(([, shell, input = '', output = '']) => ({
    kind: shell ? 'shell' : 'lines',
    input,
    output,
  }));
}

const found = examples(readme);

/** Values that differ from run to run, each by the form its JSON takes. */
const VARYING: Readonly<Record<string, string>> = {
  changed_at: '"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"',
  uptime_ms: '\\d+',
  heap_used_bytes: '\\d+',
  rss_bytes: '\\d+',
};

/** `text` with each varying value of the right form replaced by its field's name: one of another form stays. */
function settled(text: string): string {
  let result = text;
  for (const [field, form] of Object.entries(VARYING))
    result = result.replace(new RegExp(`"${field}":${form}(?=[,}])`, 'g'), `"${field}":"<${field}>"`);
  return result;
}

describe('README examples', () => {
  it('finds the quick-start pipe, the pages, worked, query and poison events examples, and the durability example', () => {
    expect(found.map(({ kind }) => kind)).toEqual(['shell', 'lines', 'lines', 'lines', 'lines', 'shell']);
  });

  it('compares a varying value by its form only', () => {
    expect(settled('{"changed_at":"2026-12-01T19:02:05Z","uptime_ms":509}')).toBe(
      '{"changed_at":"<changed_at>","uptime_ms":"<uptime_ms>"}',
    );
    expect(settled('{"changed_at":"2026-12-01T19:02:05.123Z","uptime_ms":-1}')).toBe(
      '{"changed_at":"2026-12-01T19:02:05.123Z","uptime_ms":-1}',
    );
  });

  it.each(found.map((example, index) => [index, example] as const))(
    'example %i gives exactly the replies shown',
    async (_, example) => {
      const expected = linesOf(example.output);
      if (example.kind === 'shell') {
        const stdout = execFileSync('sh', ['-c', example.input], { cwd: root, encoding: 'utf8' });
        expect(linesOf(stdout).map(settled)).toEqual(expected.map(settled));
      } else {
        const { stdout, code } = await runNode(example.input);
        expect(code).toBe(0);
        expect(stdout.map(settled)).toEqual(expected.map(settled));
      }
    },
  );
});

describe('README quick start', () => {
  it('is right that npm start writes its banner to stdout, ahead of the replies', () => {
    expect(readme).toContain(
      'Run `bin/projection-node` itself, not `npm start`: npm writes its own banner\nto stdout, ahead of the replies.',
    );
    const request = '{"src":"c1","dest":"n1","body":{"type":"list","msg_id":1}}\n';
    const stdout = linesOf(execFileSync('npm', ['start'], { cwd: root, input: request, encoding: 'utf8' }));
    expect(stdout.filter((line) => line.startsWith('> '))).not.toEqual([]);
    expect(stdout.at(-1)).toBe('{"src":"n1","dest":"c1","body":{"type":"list_ok","in_reply_to":1,"projections":[]}}');
  });
});

describe("README's Messages table", () => {
  /** The "Messages" section, up to the next heading of its level. */
  const section = /^### Messages\n([\s\S]*?)^### /m.exec(readme)?.[1] ?? '';
  const rows = [...section.matchAll(/^\| `(\{.*\})` \| `(\{.*\})` \| (.*) \|$/gm)].map(
    ([, request = '', reply = '', errors = '']) => ({
      type: (JSON.parse(request) as { type: string }).type,
      request,
      reply,
      errors: errors === '–' ? [] : errors.split(', ').map(Number),
    }),
  );
  const envelope = (body: string): string => `{"src":"c1","dest":"n1","body":${body}}`;
  /** Each reply body exactly as written: the line without its envelope. */
  const replyBodies = (stdout: readonly string[]): string[] =>
    stdout.map((line) => {
      const head = '{"src":"n1","dest":"c1","body":';
      expect(line.startsWith(head) && line.endsWith('}'), line).toBe(true);
      return line.slice(head.length, -1);
    });

  it('has one row per message type, with every value written out', () => {
    expect(rows.map(({ type }) => type)).toEqual([
      'init',
      'create',
      'update',
      'rebuild',
      'read',
      'query',
      'describe',
      'list',
      'stats',
      'delete',
    ]);
    for (const { request, reply } of rows) expect(request + reply).not.toContain('…');
  });

  it('the rows, sent in order to one fresh node, get the replies shown, field by field', async () => {
    const session = rows;
    const { stdout, code } = await runNode(session.map(({ request }) => `${envelope(request)}\n`).join(''));
    expect(code).toBe(0);
    const got = replyBodies(stdout);
    expect(got).toHaveLength(session.length);
    for (const [index, { reply }] of session.entries()) {
      expect(Object.keys(JSON.parse(got[index] ?? '') as object)).toEqual(Object.keys(JSON.parse(reply) as object));
      expect(settled(got[index] ?? '')).toBe(settled(reply));
    }
  });

  it('a field the protocol does not name, in a body or an envelope, is ignored: the rows get the same replies', async () => {
    const withExtras = rows.map(
      ({ request }) => `{"src":"c1","via":"x","dest":"n1","body":${request.slice(0, -1)},"note":[1]}}`,
    );
    const { stdout, code } = await runNode(withExtras.map((line) => `${line}\n`).join(''));
    expect(code).toBe(0);
    const got = replyBodies(stdout);
    expect(got.map(settled)).toEqual(rows.map(({ reply }) => settled(reply)));
  });

  /** For each type, a way to get each error code the table gives it: command-line flags, then request bodies. */
  const fullMemory = ['--max-memory-mb', '1'];
  const create = '{"type":"create","msg_id":1,"name":"users"}';
  const triggers: Record<string, Record<number, readonly [readonly string[], readonly string[]]>> = {
    init: {
      12: [[], ['{"type":"init","msg_id":1,"node_id":"n9","node_ids":["n1"]}']],
      22: [[], [rows[0]?.request ?? '', rows[0]?.request ?? '']],
    },
    create: { 11: [fullMemory, [create]], 12: [[], ['{"type":"create","msg_id":1}']], 21: [[], [create, create]] },
    update: {
      11: [fullMemory, [rows[2]?.request ?? '']],
      12: [[], ['{"type":"update","msg_id":1,"projection":"users"}']],
      22: [
        [],
        [
          '{"type":"update","msg_id":1,"projection":"users","expected_version":5,"event":{"event_type":"E","event_data":1}}',
        ],
      ],
    },
    rebuild: {
      11: [fullMemory, [rows[3]?.request ?? '']],
      12: [[], ['{"type":"rebuild","msg_id":1,"projection":"users","events":"none"}']],
      22: [[], ['{"type":"rebuild","msg_id":1,"projection":"users","expected_version":5,"events":[]}']],
    },
    read: { 12: [[], ['{"type":"read","msg_id":1}']], 20: [[], ['{"type":"read","msg_id":1,"projection":"users"}']] },
    query: {
      12: [[], [create, '{"type":"query","msg_id":2,"projection":"users","limit":-1}']],
      20: [[], ['{"type":"query","msg_id":1,"projection":"users"}']],
    },
    describe: {
      12: [[], ['{"type":"describe","msg_id":1,"projection":""}']],
      20: [[], ['{"type":"describe","msg_id":1,"projection":"users"}']],
    },
    list: { 12: [[], ['{"type":"list","msg_id":1,"offset":"2"}']] },
    stats: { 12: [[], ['{"type":"stats","msg_id":1,"cluster":1}']] },
    delete: {
      12: [[], ['{"type":"delete","msg_id":1}']],
      20: [[], ['{"type":"delete","msg_id":1,"projection":"users"}']],
    },
  };

  it.each(rows.map(({ type, errors }) => [type, errors] as const))(
    '%s can fail with each code of its errors column',
    async (type, errors) => {
      const ways = triggers[type] ?? {};
      expect(Object.keys(ways).map(Number)).toEqual(errors);
      for (const [code, [args, bodies]] of Object.entries(ways)) {
        const { stdout } = await runNode(bodies.map((body) => `${envelope(body)}\n`).join(''), args);
        const last = JSON.parse(stdout.at(-1) ?? '{}') as { body?: { type: string; code: number } };
        expect(last.body, `${type} ${code}`).toMatchObject({ type: 'error', code: Number(code) });
      }
    },
  );
});
