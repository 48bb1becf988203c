/** What the cluster tests share: clusters stopped after each test, the requests they send, and views of replies. */
import { afterEach, expect } from 'vitest';
import type { Body, Received } from './envelope.js';
import { startCluster, type Cluster, type ClusterOptions, type LoggedMessage } from './network.js';

/** Short, so that a timeout costs the test little; long enough for a loaded machine's round trip. */
export const SHORT_TIMEOUT_MS = 500;

/**
 * Call once at the top of a test file. Returns a function that starts a cluster which
 * afterEach stops, failing the test unless every node exited with 0.
 */
export function clustersStoppedAfterEach(): (nodeCount: number, options?: ClusterOptions) => Promise<Cluster> {
  const running: Cluster[] = [];
  afterEach(async () => {
    const stopping = running.splice(0);
    const results = await Promise.allSettled(stopping.map((started) => started.stop()));
    for (const result of results) if (result.status === 'rejected') throw result.reason;
  });
  return async (nodeCount, options) => {
    const started = await startCluster(nodeCount, options);
    running.push(started);
    return started;
  };
}

/** A projection whose "added" events append their event_data: its state counts the events applied. */
export function createLog(name: string): Body {
  return { type: 'create', name, initial_state: [], handlers: { added: 'append' } };
}

export function added(projection: string, id: string): Body {
  return { type: 'update', projection, event: { event_type: 'added', event_data: { id } } };
}

/** The reply body exactly as written, without its in_reply_to (which differs between requests). */
export function bodyText(reply: Received): string {
  const head = `{"src":${JSON.stringify(reply.src)},"dest":${JSON.stringify(reply.dest)},"body":`;
  expect(reply.line.startsWith(head), reply.line).toBe(true);
  expect(reply.line.endsWith('}')).toBe(true);
  const body = reply.line.slice(head.length, -1);
  const withoutInReplyTo = body.replace(/^(\{"type":"[a-z_]+"),"in_reply_to":\d+/, '$1');
  expect(withoutInReplyTo).not.toBe(body);
  return withoutInReplyTo;
}

export function forwards(log: readonly LoggedMessage[]): LoggedMessage[] {
  return log.filter((message) => message.body.type === 'forward');
}
