/** Handlers for testing the Maelstrom layer on its own, without the projection messages. */
import * as z from 'zod';
import type { Node } from '../../src/maelstrom/node.js';

/** A body with no fields of its own. */
export const noFields = z.object({});

/** Serves `echo`: answers echo_ok with the request's `echo` field. */
export function withEcho(node: Node): void {
  node.handle('echo', z.object({ echo: z.unknown().optional() }), (request) => ({
    type: 'echo_ok',
    echo: request.body.echo,
  }));
}
