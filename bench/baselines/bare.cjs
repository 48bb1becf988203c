// Bare node: small's requests (create, update) answered exactly as the node answers them,
// with nothing else: no check of a request, no error, no limit, no cached JSON, no counter,
// no exact numbers. No one could run it as a node; on small it is the least any node must
// add to the floor to apply the updates and send each state back, so the bench reports it
// beside small's target, to show how much room that target leaves for the rest.
'use strict';
const { serveLines } = require('./lines.cjs');

/** name -> { state, version, byId }: byId finds an array state's element by its id. */
const projections = new Map();

function apply(projection, data) {
  const { state } = projection;
  if (!Array.isArray(state)) {
    for (const key in data) state[key] = data[key];
    return;
  }
  const match = projection.byId.get(data.id);
  if (match === undefined) {
    state.push(data);
    projection.byId.set(data.id, data);
  } else {
    for (const key in data) match[key] = data[key];
  }
}

function reply(message, body) {
  return `${JSON.stringify({ src: message.dest, dest: message.src, body })}\n`;
}

serveLines((line) => {
  const message = JSON.parse(line);
  const body = message.body;
  if (body.type === 'create') {
    projections.set(body.name, { state: body.initial_state, version: 0, byId: new Map() });
    return reply(message, { type: 'projection_created', in_reply_to: body.msg_id, name: body.name, version: 0 });
  }
  const projection = projections.get(body.projection);
  apply(projection, body.event.event_data);
  projection.version++;
  const { version, state } = projection;
  return reply(message, {
    type: 'projection_updated',
    in_reply_to: body.msg_id,
    projection: body.projection,
    version,
    state,
  });
});
