/** A line from client c1 to node n1 with this raw body text. */
export const message = (body: string): string => `{"src":"c1","dest":"n1","body":${body}}`;

/** A request line whose body text has `#` where the case's msg_id goes. */
export const request =
  (body: string) =>
  (id: number): string =>
    message(body.replaceAll('#', String(id)));

/** A line from client c1 to node n1 for each body, numbering their msg_ids from `firstMsgId`. */
export function requestLines(bodies: readonly object[], firstMsgId = 1): string[] {
  return bodies.map((body, index) =>
    JSON.stringify({ src: 'c1', dest: 'n1', body: { ...body, msg_id: firstMsgId + index } }),
  );
}

/** The body of an update of `projection` by one event; `extra` adds fields to the event (e.g. event_id). */
export const updateBody = (projection: string, event_type: unknown, event_data: unknown, extra: object = {}) => ({
  type: 'update',
  projection,
  event: { event_type, event_data, ...extra },
});

/** The body of a read of `projection`. */
export const readBody = (projection: string) => ({ type: 'read', projection });

/** The reply line node n1 writes to client c1 for this raw body text. */
export const replyLine = (body: string): string => `{"src":"n1","dest":"c1","body":${body}}`;

export interface ReplyBody {
  readonly type: string;
  readonly in_reply_to?: number;
  readonly code?: number;
  readonly text?: string;
  readonly [field: string]: unknown;
}

/** The body of each reply line. */
export function bodies(lines: readonly string[]): ReplyBody[] {
  return lines.map((line) => (JSON.parse(line) as { body: ReplyBody }).body);
}
