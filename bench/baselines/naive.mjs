// Naive projection node: the obvious implementation (readline, JSON.parse per
// line, console.log per reply, linear-scan upsert). It is both the slow
// baseline and the oracle the bench compares the project's replies against,
// so its reply bodies follow the real node's field order.
import { createInterface } from 'node:readline';
import { isDeepStrictEqual } from 'node:util';

class ProtocolError extends Error {
  constructor(code, text) {
    super(text);
    this.code = code;
  }
}

/** name -> { initial, state, version } */
const projections = new Map();
let nodeId;

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Linear scan for the element whose id equals `id` (same type and value). */
function findById(state, id) {
  // JSON ids may be objects, which need a deep comparison; primitives use ===.
  if (typeof id === 'object' && id !== null) return state.find((el) => isObject(el) && isDeepStrictEqual(el.id, id));
  return state.find((el) => typeof el === 'object' && el !== null && el.id === id);
}

/** Applies one event's data to a state and returns the new state. */
function apply(state, data) {
  if (Array.isArray(state)) {
    if (isObject(data) && Object.hasOwn(data, 'id')) {
      const match = findById(state, data.id);
      if (match) {
        Object.assign(match, data);
        return state;
      }
    }
    state.push(data);
    return state;
  }
  if (isObject(state)) {
    if (!isObject(data)) throw new ProtocolError(12, 'event_data must be an object for an object state');
    return Object.assign(state, data);
  }
  return data;
}

function getOrCreate(name) {
  let p = projections.get(name);
  if (!p) {
    p = { initial: [], state: [], version: 0 };
    projections.set(name, p);
  }
  return p;
}

/** Returns [reply type, reply fields after in_reply_to]. */
function handle(body) {
  switch (body.type) {
    case 'init':
      nodeId = body.node_id;
      return ['init_ok', {}];
    case 'create': {
      if (projections.has(body.name)) throw new ProtocolError(21, `projection ${body.name} already exists`);
      const initial = body.initial_state === undefined ? [] : body.initial_state;
      projections.set(body.name, { initial: structuredClone(initial), state: structuredClone(initial), version: 0 });
      return ['projection_created', { name: body.name, version: 0 }];
    }
    case 'update': {
      const p = getOrCreate(body.projection);
      p.state = apply(p.state, body.event.event_data);
      p.version += 1;
      return ['projection_updated', { projection: body.projection, version: p.version, state: p.state }];
    }
    case 'rebuild': {
      const p = getOrCreate(body.projection);
      // Build on a fresh copy so a failing event leaves the projection untouched.
      let state = structuredClone(p.initial);
      for (const event of body.events) state = apply(state, event.event_data);
      const n = body.events.length;
      p.state = state;
      p.version = n;
      return ['projection_rebuilt', { projection: body.projection, events_processed: n, version: n }];
    }
    case 'read': {
      const p = projections.get(body.projection);
      if (!p) throw new ProtocolError(20, `projection ${body.projection} does not exist`);
      return ['read_ok', { projection: body.projection, version: p.version, state: p.state }];
    }
    default:
      throw new ProtocolError(10, `unsupported message type ${body.type}`);
  }
}

createInterface({ input: process.stdin, crlfDelay: Infinity }).on('line', (line) => {
  if (line === '') return;
  const msg = JSON.parse(line);
  const { body } = msg;
  let type;
  let fields;
  try {
    [type, fields] = handle(body);
  } catch (err) {
    type = 'error';
    fields = { code: err instanceof ProtocolError ? err.code : 12, text: err.message };
  }
  const reply = { type };
  if (body.msg_id !== undefined) reply.in_reply_to = body.msg_id;
  Object.assign(reply, fields);
  console.log(JSON.stringify({ src: nodeId ?? msg.dest, dest: msg.src, body: reply }));
});
