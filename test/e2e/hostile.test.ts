/**
 * Hostile input, end to end: the node never crashes, never loses data, and answers
 * every request exactly once. Run `npm run build` first: bin/projection-node runs dist/.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runNode, type NodeResult } from '../support/process.js';

/** A line from client c1 to node n1 with this raw body text. */
const message = (body: string): string => `{"src":"c1","dest":"n1","body":${body}}`;
/** A request line whose body text has `#` where the case's msg_id goes. */
const request =
  (body: string) =>
  (id: number): string =>
    message(body.replaceAll('#', String(id)));
const nested = (depth: number, open = '[', close = ']'): string => open.repeat(depth) + close.repeat(depth);
const bytes = (...parts: (string | number[])[]): Buffer =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))));

/** The projection every case is followed by a read of; nothing may change it. */
const SENTINEL_STATE = '{"kept":[1,"two",{"three":3}],"big":9007199254740993,"huge":1e400}';
const SETUP = [message(`{"type":"create","msg_id":1,"name":"sentinel","initial_state":${SENTINEL_STATE}}`)];
const SENTINEL_BASE = 1_000_000;
const sentinelRead = (id: number): string => message(`{"type":"read","msg_id":${id},"projection":"sentinel"}`);
const sentinelReply = (id: number): string =>
  `{"src":"n1","dest":"c1","body":{"type":"read_ok","in_reply_to":${id},"projection":"sentinel","version":0,"state":${SENTINEL_STATE}}}`;

interface Reply {
  /** The line as the node wrote it. */
  readonly raw: string;
  readonly body: Record<string, unknown>;
}

type Expectation =
  /** No reply; `logged`: stderr names the line. */
  | { readonly kind: 'none'; readonly logged: boolean }
  /** One error reply; `inReplyTo` is raw JSON, `null` for none, the case's id if left out. */
  | {
      readonly kind: 'error';
      readonly code: number;
      readonly text?: string | RegExp;
      readonly inReplyTo?: string | null;
    }
  /** One reply of this type; `check` looks further. */
  | { readonly kind: 'ok'; readonly type: string; readonly check?: (reply: Reply) => void };

interface Case {
  readonly name: string;
  /** The line without its newline, given the case's msg_id. */
  readonly line: (id: number) => string | Buffer;
  readonly expect: Expectation;
}

const unanswerable: Expectation = { kind: 'none', logged: true };
const ignored: Expectation = { kind: 'none', logged: false };
const error = (code: number, text?: string | RegExp, inReplyTo?: string | null): Expectation => ({
  kind: 'error',
  code,
  text,
  inReplyTo,
});
const ok = (type: string, check?: (reply: Reply) => void): Expectation => ({ kind: 'ok', type, check });
/** A reply whose raw text contains each fragment, e.g. exact number digits. */
const okContaining = (type: string, ...fragments: string[]): Expectation =>
  ok(type, ({ raw }) => {
    for (const fragment of fragments) expect(raw).toContain(fragment);
  });
const stateIs =
  (state: string): ((reply: Reply) => void) =>
  ({ raw }) =>
    expect(raw).toMatch(new RegExp(`,"state":${escapeRegExp(state)}(,"duplicate":true)?\\}\\}$`));
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** 5 MiB of UTF-8 (14 bytes a repeat), with characters JSON must escape. */
const FIVE_MB = 'ab€"\\\u00e9\u{1F600}\n'.repeat(Math.ceil((5 * 1024 * 1024) / 14));

const CASES: readonly Case[] = [
  // Lines that are not a JSON object.
  { name: 'not JSON', line: () => 'hello, node', expect: unanswerable },
  { name: 'an opening brace only', line: () => '{', expect: unanswerable },
  { name: 'truncated JSON', line: request('{"type":"read","msg_id":#,"projection":"sentinel"'), expect: unanswerable },
  { name: 'a JSON number', line: () => '42', expect: unanswerable },
  { name: 'a JSON string', line: () => '"read"', expect: unanswerable },
  { name: 'a JSON boolean', line: () => 'true', expect: unanswerable },
  { name: 'null as the whole line', line: () => 'null', expect: unanswerable },
  { name: 'an empty array', line: () => '[]', expect: unanswerable },
  {
    name: 'an array holding a valid request',
    line: (id) => `[${request('{"type":"list","msg_id":#}')(id)}]`,
    expect: unanswerable,
  },
  { name: 'an empty object', line: () => '{}', expect: unanswerable },
  {
    name: 'two requests on one line',
    line: (id) => request('{"type":"list","msg_id":#}')(id).repeat(2),
    expect: unanswerable,
  },
  { name: 'trailing garbage', line: (id) => `${request('{"type":"list","msg_id":#}')(id)} x`, expect: unanswerable },
  { name: 'single quotes', line: () => "{'src':'c1','dest':'n1','body':{'type':'list'}}", expect: unanswerable },
  { name: 'NaN as a value', line: request('{"type":"list","msg_id":#,"x":NaN}'), expect: unanswerable },
  { name: 'a number with a leading zero', line: request('{"type":"list","msg_id":0#}'), expect: unanswerable },
  { name: 'an empty line', line: () => '', expect: ignored },
  { name: 'a whitespace-only line', line: () => ' \t  ', expect: ignored },

  // Bytes that are not text, or odd text.
  { name: 'NUL bytes', line: () => '\0\0\0\0', expect: unanswerable },
  {
    name: 'control bytes and an escape sequence',
    line: () => '\x01\x02\x07\x08\x1b[31mred\x1b[0m\x7f',
    expect: unanswerable,
  },
  {
    name: 'a raw NUL inside a JSON string',
    line: request('{"type":"read","msg_id":#,"projection":"sen\0tinel"}'),
    expect: unanswerable,
  },
  {
    name: 'a raw tab inside a JSON string',
    line: request('{"type":"read","msg_id":#,"projection":"sen\ttinel"}'),
    expect: unanswerable,
  },
  {
    name: 'a carriage return in mid-line',
    line: (id) => `${request('{"type":"list","msg_id":#}')(id)}\r{}`,
    expect: unanswerable,
  },
  {
    name: 'an escaped NUL in a name',
    line: request('{"type":"create","msg_id":#,"name":"nul\\u0000name"}'),
    expect: okContaining('projection_created', '"name":"nul\\u0000name"'),
  },
  {
    name: 'a UTF-8 BOM at the start of the line',
    line: (id) => `\uFEFF${sentinelRead(id)}`,
    expect: ok('read_ok', stateIs(SENTINEL_STATE)),
  },
  { name: 'a BOM in mid-line', line: (id) => message(`{"type":"list",\uFEFF"msg_id":${id}}`), expect: unanswerable },
  { name: 'a CRLF line ending', line: (id) => `${sentinelRead(id)}\r`, expect: ok('read_ok', stateIs(SENTINEL_STATE)) },
  { name: 'invalid UTF-8 outside strings', line: () => bytes([0xc3, 0x28, 0xff, 0xfe]), expect: unanswerable },
  {
    name: 'invalid UTF-8 inside a name is read as U+FFFD',
    line: (id) =>
      bytes(`{"src":"c1","dest":"n1","body":{"type":"create","msg_id":${id},"name":"bad`, [0xff, 0xc0, 0xaf], '"}}'),
    expect: ok('projection_created', ({ body }) => expect(body.name).toBe('bad\uFFFD\uFFFD\uFFFD')),
  },
  {
    name: 'a UTF-8 sequence cut by the end of the line',
    line: (id) => bytes(message(`{"type":"list","msg_id":${id}}`), [0xe2, 0x82]),
    expect: unanswerable,
  },
  {
    name: 'lone surrogate escapes in a name and a state are answered, and echoed escaped',
    line: request(
      '{"type":"create","msg_id":#,"name":"lone\\ud800","initial_state":{"s":"\\udc00x","pair":"\\ud83d\\ude00"}}',
    ),
    expect: okContaining('projection_created', '"name":"lone\\ud800"'),
  },
  {
    name: 'reading the projection with a lone surrogate in its name',
    line: request('{"type":"read","msg_id":#,"projection":"lone\\ud800"}'),
    expect: okContaining('read_ok', '"projection":"lone\\ud800"', '"state":{"s":"\\udc00x","pair":"\u{1F600}"}'),
  },
  {
    name: 'a lone surrogate in event_data',
    line: request(
      '{"type":"update","msg_id":#,"projection":"lone\\ud800","event":{"event_type":"E","event_data":{"t":"\\udfff"}}}',
    ),
    expect: okContaining('projection_updated', '"state":{"s":"\\udc00x","pair":"\u{1F600}","t":"\\udfff"}'),
  },

  // The envelope.
  { name: 'body missing', line: () => '{"src":"c1","dest":"n1"}', expect: unanswerable },
  { name: 'body null', line: () => '{"src":"c1","dest":"n1","body":null}', expect: unanswerable },
  {
    name: 'body an array',
    line: (id) => `{"src":"c1","dest":"n1","body":[{"type":"list","msg_id":${id}}]}`,
    expect: unanswerable,
  },
  { name: 'body a string', line: () => '{"src":"c1","dest":"n1","body":"list"}', expect: unanswerable },
  { name: 'body a number', line: () => '{"src":"c1","dest":"n1","body":7}', expect: unanswerable },
  { name: 'src missing', line: (id) => `{"dest":"n1","body":{"type":"list","msg_id":${id}}}`, expect: unanswerable },
  {
    name: 'src a number',
    line: (id) => `{"src":1,"dest":"n1","body":{"type":"list","msg_id":${id}}}`,
    expect: unanswerable,
  },
  {
    name: 'src null',
    line: (id) => `{"src":null,"dest":"n1","body":{"type":"list","msg_id":${id}}}`,
    expect: unanswerable,
  },
  {
    name: 'src only inside __proto__',
    line: (id) => `{"__proto__":{"src":"c1"},"dest":"n1","body":{"type":"list","msg_id":${id}}}`,
    expect: unanswerable,
  },
  {
    name: 'dest missing',
    line: (id) => `{"src":"c1","body":{"type":"list","msg_id":${id}}}`,
    expect: error(12, 'list: dest is required'),
  },
  {
    name: 'dest a number',
    line: (id) => `{"src":"c1","dest":5,"body":{"type":"list","msg_id":${id}}}`,
    expect: error(12, 'list: dest must be a string, got number'),
  },
  { name: 'type missing', line: request('{"msg_id":#}'), expect: error(12, 'body.type is required') },
  {
    name: 'type a number',
    line: request('{"type":5,"msg_id":#}'),
    expect: error(12, 'body.type must be a string, got number'),
  },
  {
    name: 'type null',
    line: request('{"type":null,"msg_id":#}'),
    expect: error(12, 'body.type must be a string, got null'),
  },
  {
    name: 'type empty',
    line: request('{"type":"","msg_id":#}'),
    expect: error(10, /^unsupported message type ""; supported: /),
  },
  {
    name: 'an unknown type',
    line: request('{"type":"cas","msg_id":#}'),
    expect: error(10, 'unsupported message type "cas"; supported: init, create, update, rebuild, read, list, delete'),
  },
  {
    name: 'a type only found on Object.prototype',
    line: request('{"type":"toString","msg_id":#}'),
    expect: error(10, /^unsupported message type "toString"/),
  },
  {
    name: 'msg_id a string',
    line: request('{"type":"list","msg_id":"#"}'),
    expect: error(12, /^list: body\.msg_id /, '"#"'),
  },
  {
    name: 'msg_id a fraction',
    line: request('{"type":"list","msg_id":1.5}'),
    expect: error(12, /^list: body\.msg_id /, '1.5'),
  },
  {
    name: 'msg_id null',
    line: request('{"type":"list","msg_id":null}'),
    expect: error(12, /^list: body\.msg_id /, 'null'),
  },
  {
    name: 'msg_id true',
    line: request('{"type":"list","msg_id":true}'),
    expect: error(12, /^list: body\.msg_id /, 'true'),
  },
  {
    name: 'msg_id beyond 2^53 echoed digit for digit',
    line: request('{"type":"read","msg_id":9007199254740993,"projection":"absent"}'),
    expect: error(20, 'read: projection "absent" does not exist', '9007199254740993'),
  },
  {
    name: 'a body with in_reply_to is a reply, never answered',
    line: request('{"type":"read_ok","in_reply_to":#}'),
    expect: unanswerable,
  },
  {
    name: 'a request without msg_id is answered without in_reply_to',
    line: () => message('{"type":"read","projection":"sentinel"}'),
    expect: ok('read_ok'),
  },

  // create
  {
    name: 'create: name missing',
    line: request('{"type":"create","msg_id":#}'),
    expect: error(12, 'create: name is required'),
  },
  {
    name: 'create: name null',
    line: request('{"type":"create","msg_id":#,"name":null}'),
    expect: error(12, 'create: name must be a string, got null'),
  },
  {
    name: 'create: name a number',
    line: request('{"type":"create","msg_id":#,"name":5}'),
    expect: error(12, 'create: name must be a string, got number'),
  },
  {
    name: 'create: name empty',
    line: request('{"type":"create","msg_id":#,"name":""}'),
    expect: error(12, 'create: name must not be empty'),
  },
  {
    name: 'create: handlers a string',
    line: request('{"type":"create","msg_id":#,"name":"h","handlers":"merge"}'),
    expect: error(12, /^create: handlers /),
  },
  {
    name: 'create: an unknown op',
    line: request('{"type":"create","msg_id":#,"name":"h","handlers":{"E":"bogus"}}'),
    expect: error(12, /^create: handlers\.E must be one of /),
  },
  {
    name: 'create: key empty',
    line: request('{"type":"create","msg_id":#,"name":"h","key":""}'),
    expect: error(12, /^create: key /),
  },
  {
    name: 'create: key a number',
    line: request('{"type":"create","msg_id":#,"name":"h","key":5}'),
    expect: error(12, /^create: key /),
  },
  {
    name: 'create: the failed creates made nothing',
    line: request('{"type":"read","msg_id":#,"projection":"h"}'),
    expect: error(20),
  },
  {
    name: 'create: a name that exists',
    line: request('{"type":"create","msg_id":#,"name":"sentinel","initial_state":[]}'),
    expect: error(21, /^create: projection "sentinel" already exists/),
  },

  // update
  {
    name: 'update: projection missing',
    line: request('{"type":"update","msg_id":#,"event":{"event_type":"E","event_data":{}}}'),
    expect: error(12, 'update: projection is required'),
  },
  {
    name: 'update: projection null',
    line: request('{"type":"update","msg_id":#,"projection":null,"event":{"event_type":"E","event_data":{}}}'),
    expect: error(12, /^update: projection /),
  },
  {
    name: 'update: projection an array',
    line: request('{"type":"update","msg_id":#,"projection":["sentinel"],"event":{"event_type":"E","event_data":{}}}'),
    expect: error(12, /^update: projection /),
  },
  {
    name: 'update: projection empty',
    line: request('{"type":"update","msg_id":#,"projection":"","event":{"event_type":"E","event_data":{}}}'),
    expect: error(12, 'update: projection must not be empty'),
  },
  {
    name: 'update: event missing',
    line: request('{"type":"update","msg_id":#,"projection":"sentinel"}'),
    expect: error(12, 'update: event is required'),
  },
  {
    name: 'update: event null',
    line: request('{"type":"update","msg_id":#,"projection":"sentinel","event":null}'),
    expect: error(12, /^update: event /),
  },
  {
    name: 'update: event a string',
    line: request('{"type":"update","msg_id":#,"projection":"sentinel","event":"E"}'),
    expect: error(12, /^update: event /),
  },
  {
    name: 'update: event_type missing',
    line: request('{"type":"update","msg_id":#,"projection":"sentinel","event":{"event_data":{"kept":0}}}'),
    expect: error(12, 'update: event.event_type is required'),
  },
  {
    name: 'update: event_type a number',
    line: request(
      '{"type":"update","msg_id":#,"projection":"sentinel","event":{"event_type":1,"event_data":{"kept":0}}}',
    ),
    expect: error(12, /^update: event\.event_type /),
  },
  {
    name: 'update: event_id a fraction',
    line: request(
      '{"type":"update","msg_id":#,"projection":"sentinel","event":{"event_type":"E","event_id":1.5,"event_data":{"kept":0}}}',
    ),
    expect: error(12, /^update: event\.event_id /),
  },
  {
    name: 'update: event_id an object',
    line: request(
      '{"type":"update","msg_id":#,"projection":"sentinel","event":{"event_type":"E","event_id":{},"event_data":{"kept":0}}}',
    ),
    expect: error(12, /^update: event\.event_id /),
  },
  {
    name: 'update: expected_version negative',
    line: request(
      '{"type":"update","msg_id":#,"projection":"sentinel","expected_version":-1,"event":{"event_type":"E","event_data":{"kept":0}}}',
    ),
    expect: error(12, /^update: expected_version /),
  },
  {
    name: 'update: expected_version a string',
    line: request(
      '{"type":"update","msg_id":#,"projection":"sentinel","expected_version":"0","event":{"event_type":"E","event_data":{"kept":0}}}',
    ),
    expect: error(12, /^update: expected_version /),
  },
  {
    name: 'update: expected_version 1e400',
    line: request(
      '{"type":"update","msg_id":#,"projection":"sentinel","expected_version":1e400,"event":{"event_type":"E","event_data":{"kept":0}}}',
    ),
    expect: error(12, /^update: expected_version /),
  },
  {
    name: 'update: a stale expected_version',
    line: request(
      '{"type":"update","msg_id":#,"projection":"sentinel","expected_version":5,"event":{"event_type":"E","event_data":{"kept":0}}}',
    ),
    expect: error(22, /^update: expected version 5, but projection "sentinel" is at version 0/),
  },
  {
    name: 'update: a scalar merged into an object state',
    line: request(
      '{"type":"update","msg_id":#,"projection":"sentinel","event":{"event_type":"E","event_data":"kept"}}',
    ),
    expect: error(12, /^update: merge into an object state needs event_data to be an object/),
  },
  {
    name: 'update: a refused write to a new projection',
    line: request(
      '{"type":"update","msg_id":#,"projection":"ghost","expected_version":3,"event":{"event_type":"E","event_data":{}}}',
    ),
    expect: error(22),
  },
  {
    name: 'update: the refused write created nothing',
    line: request('{"type":"read","msg_id":#,"projection":"ghost"}'),
    expect: error(20, 'read: projection "ghost" does not exist'),
  },

  // rebuild
  {
    name: 'rebuild: projection missing',
    line: request('{"type":"rebuild","msg_id":#,"events":[]}'),
    expect: error(12, 'rebuild: projection is required'),
  },
  {
    name: 'rebuild: events missing',
    line: request('{"type":"rebuild","msg_id":#,"projection":"sentinel"}'),
    expect: error(12, 'rebuild: events is required'),
  },
  {
    name: 'rebuild: events an object',
    line: request('{"type":"rebuild","msg_id":#,"projection":"sentinel","events":{}}'),
    expect: error(12, 'rebuild: events must be an array, got object'),
  },
  {
    name: 'rebuild: an event that is a number',
    line: request('{"type":"rebuild","msg_id":#,"projection":"sentinel","events":[5]}'),
    expect: error(12, /^rebuild: events\[0\] /),
  },
  {
    name: 'rebuild: an event_type that is a number',
    line: request(
      '{"type":"rebuild","msg_id":#,"projection":"sentinel","events":[{"event_type":"E","event_data":{}},{"event_type":5,"event_data":{}}]}',
    ),
    expect: error(12, /^rebuild: events\[1\]\.event_type /),
  },
  {
    name: 'rebuild: a stale expected_version',
    line: request('{"type":"rebuild","msg_id":#,"projection":"sentinel","expected_version":3,"events":[]}'),
    expect: error(22),
  },
  {
    name: 'rebuild: one refused event refuses them all',
    line: request(
      '{"type":"rebuild","msg_id":#,"projection":"sentinel","events":[{"event_type":"E","event_data":{"kept":"overwritten"}},{"event_type":"E","event_data":"no"}]}',
    ),
    expect: error(12, /^rebuild: events\[1\]: merge into an object state/),
  },

  // read, list, delete
  {
    name: 'read: projection missing',
    line: request('{"type":"read","msg_id":#}'),
    expect: error(12, 'read: projection is required'),
  },
  {
    name: 'read: projection null',
    line: request('{"type":"read","msg_id":#,"projection":null}'),
    expect: error(12, 'read: projection must be a string, got null'),
  },
  {
    name: 'read: projection a number',
    line: request('{"type":"read","msg_id":#,"projection":5}'),
    expect: error(12, 'read: projection must be a string, got number'),
  },
  {
    name: 'read: projection empty',
    line: request('{"type":"read","msg_id":#,"projection":""}'),
    expect: error(12, 'read: projection must not be empty'),
  },
  {
    name: 'read: an unknown projection',
    line: request('{"type":"read","msg_id":#,"projection":"nope"}'),
    expect: error(20, 'read: projection "nope" does not exist'),
  },
  {
    name: 'list: unknown fields are ignored',
    line: request('{"type":"list","msg_id":#,"junk":[1,{"a":null}]}'),
    expect: ok('list_ok'),
  },
  {
    name: 'delete: projection missing',
    line: request('{"type":"delete","msg_id":#}'),
    expect: error(12, 'delete: projection is required'),
  },
  {
    name: 'delete: projection empty',
    line: request('{"type":"delete","msg_id":#,"projection":""}'),
    expect: error(12, 'delete: projection must not be empty'),
  },
  {
    name: 'delete: projection an object',
    line: request('{"type":"delete","msg_id":#,"projection":{"name":"sentinel"}}'),
    expect: error(12, 'delete: projection must be a string, got object'),
  },
  {
    name: 'delete: an unknown projection',
    line: request('{"type":"delete","msg_id":#,"projection":"nope"}'),
    expect: error(20),
  },

  // init and forward
  {
    name: 'init: node_id missing',
    line: request('{"type":"init","msg_id":#,"node_ids":["n1"]}'),
    expect: error(12, 'init: node_id is required'),
  },
  {
    name: 'init: node_id empty',
    line: request('{"type":"init","msg_id":#,"node_id":"","node_ids":["n1"]}'),
    expect: error(12, 'init: node_id must not be empty'),
  },
  {
    name: 'init: node_ids a string',
    line: request('{"type":"init","msg_id":#,"node_id":"x9","node_ids":"x9"}'),
    expect: error(12, 'init: node_ids must be an array, got string'),
  },
  {
    name: 'init: node_ids of numbers',
    line: request('{"type":"init","msg_id":#,"node_id":"x9","node_ids":[1]}'),
    expect: error(12, /^init: node_ids\[0\] /),
  },
  {
    name: 'forward from a client: request missing',
    line: request('{"type":"forward","msg_id":#,"client":"c1"}'),
    expect: error(
      10,
      /^unsupported message type "forward"; supported: init, create, update, rebuild, read, list, delete$/,
    ),
  },

  // Prototype keys are data, and prototype names are names.
  ...['__proto__', 'constructor', 'hasOwnProperty', 'toString'].flatMap((name): Case[] => [
    {
      name: `a projection named ${name}`,
      line: request(`{"type":"create","msg_id":#,"name":"${name}","initial_state":{}}`),
      expect: okContaining('projection_created', `"name":"${name}"`),
    },
    {
      name: `reading the projection named ${name}`,
      line: request(`{"type":"read","msg_id":#,"projection":"${name}"}`),
      expect: okContaining('read_ok', `"projection":"${name}","version":0,"state":{}`),
    },
  ]),
  {
    name: 'valueOf, never created, does not exist',
    line: request('{"type":"read","msg_id":#,"projection":"valueOf"}'),
    expect: error(20),
  },
  {
    name: 'deleting the projection named toString',
    line: request('{"type":"delete","msg_id":#,"projection":"toString"}'),
    expect: okContaining('delete_ok', '"projection":"toString"'),
  },
  {
    name: 'the projection named toString is gone',
    line: request('{"type":"read","msg_id":#,"projection":"toString"}'),
    expect: error(20),
  },
  {
    name: 'event_data with __proto__, constructor and prototype keys is stored as data',
    line: request(
      '{"type":"update","msg_id":#,"projection":"pp","event":{"event_type":"E","event_data":{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}},"prototype":{"polluted":3}}}}',
    ),
    expect: ok(
      'projection_updated',
      stateIs('[{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}},"prototype":{"polluted":3}}]'),
    ),
  },
  {
    name: 'an object state with prototype event types and keys',
    line: request(
      '{"type":"create","msg_id":#,"name":"pobj","initial_state":{"__proto__":{"a":1}},"handlers":{"Del":"remove","__proto__":"ignore","toString":"append"}}',
    ),
    expect: ok('projection_created'),
  },
  {
    name: 'an unlisted event type named constructor merges',
    line: request(
      '{"type":"update","msg_id":#,"projection":"pobj","event":{"event_type":"constructor","event_data":{"toString":"str","__proto__":{"b":2}}}}',
    ),
    expect: ok('projection_updated', stateIs('{"__proto__":{"b":2},"toString":"str"}')),
  },
  {
    name: 'the event type __proto__ is the ignore op it was given',
    line: request(
      '{"type":"update","msg_id":#,"projection":"pobj","event":{"event_type":"__proto__","event_data":{"c":3}}}',
    ),
    expect: ok('projection_updated', stateIs('{"__proto__":{"b":2},"toString":"str"}')),
  },
  {
    name: 'the event type toString is the append op it was given, refused on an object state',
    line: request(
      '{"type":"update","msg_id":#,"projection":"pobj","event":{"event_type":"toString","event_data":{"c":3}}}',
    ),
    expect: error(12, 'update: append needs an array state, but the state is an object'),
  },
  {
    name: 'removing the key __proto__',
    line: request(
      '{"type":"update","msg_id":#,"projection":"pobj","event":{"event_type":"Del","event_data":"__proto__"}}',
    ),
    expect: ok('projection_updated', stateIs('{"toString":"str"}')),
  },
  {
    name: 'a request field only inside a body __proto__ is not seen',
    line: request('{"type":"read","msg_id":#,"__proto__":{"projection":"sentinel"}}'),
    expect: error(12, 'read: projection is required'),
  },
  {
    name: 'a new object state carries none of those keys',
    line: request('{"type":"create","msg_id":#,"name":"fresh","initial_state":{}}'),
    expect: ok('projection_created'),
  },
  {
    name: 'reading the new object state',
    line: request('{"type":"read","msg_id":#,"projection":"fresh"}'),
    expect: ok('read_ok', stateIs('{}')),
  },

  // Numbers no double holds.
  {
    name: 'big numbers in initial_state',
    line: request(
      '{"type":"create","msg_id":#,"name":"big","initial_state":[{"id":1234567890123456789012,"v":9007199254740993,"w":1e400}],"handlers":{"Removed":"remove"}}',
    ),
    expect: ok('projection_created'),
  },
  {
    name: 'reading big numbers back digit for digit',
    line: request('{"type":"read","msg_id":#,"projection":"big"}'),
    expect: ok('read_ok', stateIs('[{"id":1234567890123456789012,"v":9007199254740993,"w":1e400}]')),
  },
  {
    name: 'an upsert by a big id lands on the element with exactly that id',
    line: request(
      '{"type":"update","msg_id":#,"projection":"big","event":{"event_type":"E","event_data":{"id":1234567890123456789012,"x":-1E400}}}',
    ),
    expect: ok(
      'projection_updated',
      stateIs('[{"id":1234567890123456789012,"v":9007199254740993,"w":1e400,"x":-1E400}]'),
    ),
  },
  {
    name: 'an id one above is another element',
    line: request(
      '{"type":"update","msg_id":#,"projection":"big","event":{"event_type":"E","event_data":{"id":1234567890123456789013}}}',
    ),
    expect: ok(
      'projection_updated',
      stateIs(
        '[{"id":1234567890123456789012,"v":9007199254740993,"w":1e400,"x":-1E400},{"id":1234567890123456789013}]',
      ),
    ),
  },
  {
    name: 'ids 2^53 + 1 and 2^53 are two elements, though one double',
    line: request(
      '{"type":"rebuild","msg_id":#,"projection":"big","events":[{"event_type":"E","event_data":{"id":9007199254740993,"n":1}},{"event_type":"E","event_data":{"id":9007199254740992,"n":2}},{"event_type":"E","event_data":{"id":1234567890123456789012}}]}',
    ),
    expect: okContaining('projection_rebuilt', '"events_processed":3,"version":3'),
  },
  {
    name: 'the rebuilt state keeps both ids',
    line: request('{"type":"read","msg_id":#,"projection":"big"}'),
    expect: ok(
      'read_ok',
      stateIs(
        '[{"id":1234567890123456789012,"v":9007199254740993,"w":1e400},{"id":9007199254740993,"n":1},{"id":9007199254740992,"n":2}]',
      ),
    ),
  },
  {
    name: 'a remove by a big id removes exactly that element',
    line: request(
      '{"type":"update","msg_id":#,"projection":"big","event":{"event_type":"Removed","event_data":{"id":9007199254740993}}}',
    ),
    expect: ok(
      'projection_updated',
      stateIs('[{"id":1234567890123456789012,"v":9007199254740993,"w":1e400},{"id":9007199254740992,"n":2}]'),
    ),
  },
  {
    name: 'a remove by the other big id',
    line: request(
      '{"type":"update","msg_id":#,"projection":"big","event":{"event_type":"Removed","event_data":{"id":1234567890123456789012}}}',
    ),
    expect: ok('projection_updated', stateIs('[{"id":9007199254740992,"n":2}]')),
  },
  {
    name: 'event ids 2^53 + 1 and 2^53 are different events',
    line: request(
      '{"type":"rebuild","msg_id":#,"projection":"eid","events":[{"event_type":"E","event_id":9007199254740993,"event_data":1},{"event_type":"E","event_id":9007199254740992,"event_data":2},{"event_type":"E","event_id":9007199254740993,"event_data":3}]}',
    ),
    expect: okContaining('projection_rebuilt', '"events_processed":2'),
  },
  {
    name: 'a redelivered big event id is a duplicate',
    line: request(
      '{"type":"update","msg_id":#,"projection":"eid","event":{"event_type":"E","event_id":9007199254740993,"event_data":4}}',
    ),
    expect: okContaining('projection_updated', '"version":2,"state":[1,2],"duplicate":true'),
  },

  // Nesting.
  {
    name: 'event_data nested 200,000 levels deep',
    line: request(
      `{"type":"update","msg_id":#,"projection":"deep","event":{"event_type":"E","event_data":${nested(200_000)}}}`,
    ),
    expect: error(12, 'update: message nests deeper than 1000 levels'),
  },
  {
    name: 'the refused deep update created nothing',
    line: request('{"type":"read","msg_id":#,"projection":"deep"}'),
    expect: error(20),
  },
  {
    name: 'initial_state of objects nested 200,000 levels deep',
    line: request(
      `{"type":"create","msg_id":#,"name":"deep","initial_state":${'{"a":'.repeat(200_000)}1${'}'.repeat(200_000)}}`,
    ),
    expect: error(12, 'create: message nests deeper than 1000 levels'),
  },
  {
    name: 'a msg_id nested 200,000 levels deep is not echoed',
    line: request(`{"type":"list","msg_id":${nested(200_000)}}`),
    expect: error(12, /^list: message nests /, null),
  },
  {
    name: 'a type nested 200,000 levels deep',
    line: request(`{"type":${nested(200_000)},"msg_id":#}`),
    expect: error(12, /^message nests /),
  },
  {
    name: 'an in_reply_to nested 200,000 levels deep',
    line: request(`{"type":"read_ok","in_reply_to":${nested(200_000)}}`),
    expect: unanswerable,
  },
  {
    name: 'a src nested 200,000 levels deep',
    line: () => `{"src":${nested(200_000)},"dest":"n1","body":{"type":"list"}}`,
    expect: unanswerable,
  },
  {
    name: 'event_data nested just under the limit',
    line: request(
      `{"type":"update","msg_id":#,"projection":"deep","event":{"event_type":"E","event_data":${nested(997)}}}`,
    ),
    expect: ok('projection_updated', stateIs(`[${nested(997)}]`)),
  },

  // Duplicate keys: the last value wins.
  {
    name: 'a repeated projection field',
    line: request('{"type":"read","msg_id":#,"projection":"nope","projection":"sentinel"}'),
    expect: ok('read_ok', stateIs(SENTINEL_STATE)),
  },
  {
    name: 'a repeated msg_id',
    line: request('{"type":"read","msg_id":"first","projection":"sentinel","msg_id":#}'),
    expect: ok('read_ok'),
  },
  {
    name: 'a repeated type',
    line: request('{"type":"delete","msg_id":#,"projection":"sentinel","type":"read"}'),
    expect: ok('read_ok', stateIs(SENTINEL_STATE)),
  },
  {
    name: 'repeated keys in data keep the first position and the last value, big numbers too',
    line: request('{"type":"create","msg_id":#,"name":"dups","initial_state":{"a":1,"b":2,"a":9007199254740993}}'),
    expect: ok('projection_created'),
  },
  {
    name: 'reading the repeated keys',
    line: request('{"type":"read","msg_id":#,"projection":"dups"}'),
    expect: ok('read_ok', stateIs('{"a":9007199254740993,"b":2}')),
  },

  // Size.
  {
    name: 'a 5 MB string inside an update',
    line: request(
      `{"type":"update","msg_id":#,"projection":"huge","event":{"event_type":"E","event_data":{"blob":${JSON.stringify(FIVE_MB)}}}}`,
    ),
    expect: ok('projection_updated', ({ body }) => expect(body.state).toEqual([{ blob: FIVE_MB }])),
  },
  {
    name: 'reading the 5 MB string back',
    line: request('{"type":"read","msg_id":#,"projection":"huge"}'),
    expect: ok('read_ok', ({ body }) => expect(body.state).toEqual([{ blob: FIVE_MB }])),
  },
];

const FINAL_LIST_ID = 999;

interface Battery {
  readonly result: NodeResult;
  /** The output lines answering each case, between its sentinel and the one before. */
  readonly segments: readonly (readonly string[])[];
  /** Each case's line number. */
  readonly lineNumbers: readonly number[];
  readonly sentinelReplies: readonly (string | undefined)[];
  readonly afterSentinels: readonly string[];
}

async function runBattery(): Promise<Battery> {
  const lines: (string | Buffer)[] = [...SETUP];
  const lineNumbers: number[] = [];
  CASES.forEach((testCase, index) => {
    lines.push(testCase.line(1000 + index));
    lineNumbers.push(lines.length);
    lines.push(sentinelRead(SENTINEL_BASE + index));
  });
  lines.push(message(`{"type":"list","msg_id":${FINAL_LIST_ID}}`));
  for (const line of lines) expect(Buffer.from(line).includes(0x0a)).toBe(false);
  const result = await runNode(lines.flatMap((line) => [Buffer.from(line), Buffer.from('\n')]));

  const segments: string[][] = [];
  const sentinelReplies: (string | undefined)[] = [];
  let segment: string[] = [];
  let next = 0;
  for (const raw of result.stdout.slice(SETUP.length)) {
    const inReplyTo = (JSON.parse(raw) as { body?: { in_reply_to?: unknown } }).body?.in_reply_to;
    if (next < CASES.length && inReplyTo === SENTINEL_BASE + next) {
      segments.push(segment);
      sentinelReplies.push(raw);
      segment = [];
      next++;
    } else {
      segment.push(raw);
    }
  }
  return { result, segments, lineNumbers, sentinelReplies, afterSentinels: segment };
}

describe('one node, every hostile line followed by a read of an untouched projection', () => {
  let battery: Battery;
  beforeAll(async () => {
    battery = await runBattery();
  }, 60_000);

  it('exits 0 after reading to the end', () => {
    expect(battery.result.code).toBe(0);
    expect(battery.result.signal).toBeNull();
  });

  it('writes nothing but {src, dest, body} envelope lines', () => {
    expect(battery.result.stdout.length).toBeGreaterThan(CASES.length);
    for (const raw of battery.result.stdout) {
      const envelope = JSON.parse(raw) as Record<string, unknown>;
      expect(Object.keys(envelope)).toEqual(['src', 'dest', 'body']);
      expect(typeof envelope.src).toBe('string');
      expect(typeof envelope.dest).toBe('string');
      const body = envelope.body as Record<string, unknown>;
      expect(typeof body.type).toBe('string');
      expect(body.msg_id).toBeUndefined();
    }
  });

  it('answers the setup and, after every case, the sentinel read with the unchanged projection', () => {
    expect(battery.result.stdout[0]).toBe(
      '{"src":"n1","dest":"c1","body":{"type":"projection_created","in_reply_to":1,"name":"sentinel","version":0}}',
    );
    expect(battery.sentinelReplies).toEqual(CASES.map((_, index) => sentinelReply(SENTINEL_BASE + index)));
  });

  it('answers the final list, which holds only the projections created', () => {
    expect(battery.afterSentinels).toHaveLength(1);
    const reply = JSON.parse(battery.afterSentinels[0] ?? '{}') as {
      body: { in_reply_to: number; projections: { name: string }[] };
    };
    expect(reply.body.in_reply_to).toBe(FINAL_LIST_ID);
    expect(reply.body.projections.map(({ name }) => name)).toEqual([
      'sentinel',
      'nul\u0000name',
      'bad\uFFFD\uFFFD\uFFFD',
      'lone\ud800',
      '__proto__',
      'constructor',
      'hasOwnProperty',
      'pp',
      'pobj',
      'fresh',
      'big',
      'eid',
      'deep',
      'dups',
      'huge',
    ]);
  });

  it('logs one stderr line for each unanswerable line, naming it, and nothing else', () => {
    const logged = battery.result.stderr
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        expect(line).toMatch(/^line \d+: /);
        return Number(/^line (\d+): /.exec(line)?.[1]);
      });
    const expected = CASES.flatMap(({ expect: expectation }, index) =>
      expectation.kind === 'none' && expectation.logged ? [battery.lineNumbers[index]] : [],
    );
    expect(logged).toEqual(expected);
  });

  it.each(CASES.map((testCase, index) => ({ ...testCase, index })))('$name', ({ expect: expectation, index }) => {
    const segment = battery.segments[index];
    expect(segment, 'the sentinel read after this case was answered').toBeDefined();
    const replies = (segment ?? []).map(
      (raw): Reply => ({ raw, body: (JSON.parse(raw) as { body: Record<string, unknown> }).body }),
    );
    if (expectation.kind === 'none') {
      expect(replies).toEqual([]);
      return;
    }
    expect(replies).toHaveLength(1);
    const reply = replies[0] as Reply;
    const id = String(1000 + index);
    if (expectation.kind === 'error') {
      const { inReplyTo: wanted } = expectation;
      const inReplyTo = wanted === undefined ? id : wanted === null ? null : wanted.replaceAll('#', id);
      const head =
        inReplyTo === null
          ? '"body":{"type":"error","code":'
          : `"body":{"type":"error","in_reply_to":${inReplyTo},"code":`;
      expect(reply.raw).toContain(`,"dest":"c1",${head}${expectation.code},"text":`);
      expect(reply.body.code).toBe(expectation.code);
      if (typeof expectation.text === 'string') expect(reply.body.text).toBe(expectation.text);
      else if (expectation.text) expect(reply.body.text).toMatch(expectation.text);
      return;
    }
    expect(reply.body.type).toBe(expectation.type);
    const inReplyTo = /^\{"src":"n1","dest":"c1","body":\{"type":"[a-z_]+"(,"in_reply_to":(\d+))?/.exec(reply.raw);
    const sentMsgId = /"msg_id":\d+/.test(Buffer.from(CASES[index]?.line(1000 + index) ?? '').toString());
    expect(inReplyTo?.[2]).toBe(sentMsgId ? id : undefined);
    expectation.check?.(reply);
  });
});

describe('a line over --max-line-bytes', () => {
  it('is dropped and named on stderr, and the lines around it are answered', async () => {
    const limit = 1000;
    /** A list request padded with an unknown field to exactly `size` bytes. */
    const padded = (id: number, size: number, unit = 'x'): string => {
      const bare = message(`{"type":"list","msg_id":${id},"pad":""}`);
      const room = size - Buffer.byteLength(bare);
      const pad = unit.repeat(Math.floor(room / Buffer.byteLength(unit))) + 'x'.repeat(room % Buffer.byteLength(unit));
      const line = message(`{"type":"list","msg_id":${id},"pad":"${pad}"}`);
      expect(Buffer.byteLength(line)).toBe(size);
      return line;
    };
    const result = await runNode(
      `${[
        padded(1, limit),
        padded(2, limit + 1),
        padded(3, 400 * 3, '€'), // 400 characters, 1200 bytes
        padded(4, 20 * limit),
        message('{"type":"list","msg_id":5}'),
      ].join('\n')}\n`,
      ['--max-line-bytes', String(limit)],
    );
    expect(result.code).toBe(0);
    expect(
      result.stdout.map((raw) => (JSON.parse(raw) as { body: { type: string; in_reply_to: number } }).body),
    ).toEqual([
      { type: 'list_ok', in_reply_to: 1, projections: [] },
      { type: 'list_ok', in_reply_to: 5, projections: [] },
    ]);
    expect(result.stderr).toBe(
      [2, 3, 4].map((line) => `line ${line}: longer than --max-line-bytes (${limit}); dropped\n`).join(''),
    );
  });
});
