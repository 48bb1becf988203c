import * as z from 'zod';
import type { Body, ReplyBody } from '../maelstrom/envelope.js';
import { ErrorCode, RpcError } from '../maelstrom/errors.js';
import type { Node, Request } from '../maelstrom/node.js';
import { parseRequest } from '../maelstrom/validate.js';
import { AskAgain, type Gather, type MessageType, type NodeAnswer } from '../messages/message.js';
import { Owners } from './rendezvous.js';

/** Node to node: "handle this client request here", from a node that does not own it. */
const forwardSchema = z.object({
  client: z.string(),
  request: z.looseObject({ type: z.string() }),
});

/**
 * A peer's answer to a forward, as relayed to a client: an error with its code and text, or
 * another type. Checked, never reshaped: the client gets the body as the owner wrote it.
 */
const forwardReplySchema = z.union([
  z.looseObject({ type: z.literal('error'), code: z.int(), text: z.string() }),
  z.looseObject({ type: z.string().refine((type) => type !== 'error') }),
]);

/** Serves a message type's request on this node: what a single node does with every request. */
export type ServeHere = (message: MessageType, request: Request) => ReplyBody;

/**
 * What a node of a cluster adds on top of serving requests itself. Each projection
 * name has one owner (rendezvous hashing over node_ids): every message type that
 * names a projection (projectionOf) is forwarded there and the owner's reply is
 * relayed. A message type that gathers (list, stats with "cluster") asks every node
 * and merges their answers; any other is answered by the node asked. A forward that
 * is not answered in time is error 0, since the write may or may not have happened.
 */
export class Cluster {
  private readonly byType: ReadonlyMap<string, MessageType>;
  private owners: Owners | undefined;

  constructor(
    private readonly node: Node,
    messages: readonly MessageType[],
    private readonly serveHere: ServeHere,
    private readonly rpcTimeoutMs: number,
  ) {
    this.byType = new Map(messages.map((message) => [message.type, message]));
    node.handle('forward', forwardSchema, (request) => this.forwarded(request.body, request), { peersOnly: true });
  }

  /** Serves a client's request here if this node owns its projection, else relays the owner's answer. */
  route(message: MessageType, request: Request): ReplyBody | Promise<ReplyBody> {
    if (message.projectionOf) {
      const owner = this.ownerOf(message.projectionOf(request.body));
      if (owner === undefined || owner === this.node.id) return this.serveHere(message, request);
      // Its stream was opened for a projection of this node, whose array it took: that cannot be sent on.
      if (request.streamed !== undefined) {
        throw new RpcError(
          ErrorCode.malformedRequest,
          `${message.type}: projection is given twice, with different values`,
        );
      }
      return this.forward(owner, request.src, request.rawBody, request.size);
    }
    if (message.gather?.everywhere(request.body)) return this.askEveryNode(message, message.gather, request);
    return this.serveHere(message, request);
  }

  /** The owner of a projection name among the node ids of init. */
  private ownerOf(name: string): string | undefined {
    if (this.owners?.nodeIds !== this.node.nodeIds) this.owners = new Owners(this.node.nodeIds);
    return this.owners.of(name);
  }

  /** Whether a request with these body fields is for a projection that another node owns (or names none yet). */
  ownsOther(body: Readonly<Record<string, unknown>>): boolean {
    const name = body.projection;
    return typeof name !== 'string' || this.ownerOf(name) !== this.node.id;
  }

  /**
   * Asks `owner` to run a client's request there, as `body` (`size` characters of input);
   * its reply body comes back as ours. Nothing here keeps `body` once it is sent.
   */
  private forward(owner: string, client: string, body: Body, size: number): Promise<Body> {
    const { type } = body;
    let reply: Promise<Body>;
    try {
      reply = this.node.rpc(owner, { type: 'forward', client, request: body }, this.rpcTimeoutMs, size);
    } catch (error) {
      return Promise.reject(this.relabeled(type, error));
    }
    return reply.then(
      (answer) => {
        if (!forwardReplySchema.safeParse(answer).success)
          throw this.relabeled(type, new RpcError(ErrorCode.crash, `${owner} answered with a malformed reply`));
        return answer;
      },
      (error: unknown) => {
        throw this.relabeled(type, error);
      },
    );
  }

  /** A forward's failure as the client sees it: its request type first, and whether a write may have happened. */
  private relabeled(type: string, error: unknown): unknown {
    if (!(error instanceof RpcError)) return error;
    // A write that timed out, or whose answer could not be read, leaves the client unsure of what the owner did.
    const indefinite = error.code === ErrorCode.timeout || error.code === ErrorCode.crash;
    const unsure = indefinite && this.byType.get(type)?.writes ? `; the ${type} may or may not have happened` : '';
    return new RpcError(error.code, `${type}: ${error.message}${unsure}`);
  }

  /**
   * Asks every node, this one included, the request as `gather` puts it, and merges their
   * answers, after a second round if the merge asks for one.
   */
  private async askEveryNode(message: MessageType, gather: Gather<unknown>, request: Request): Promise<ReplyBody> {
    const asked = gather.ask(request.rawBody);
    const everyNode = new Map(this.node.nodeIds.map((node) => [node, asked]));
    const merged = gather.merge(await this.askNodes(message, request, everyNode), request.body);
    if (!(merged instanceof AskAgain)) return merged;
    return merged.merge(await this.askNodes(message, request, merged.asks));
  }

  /** Each node's answer to its body in `asks`, in node_ids order: this node serves its own here. */
  private askNodes(message: MessageType, request: Request, asks: ReadonlyMap<string, Body>): Promise<NodeAnswer[]> {
    const asked = this.node.nodeIds.filter((node) => asks.has(node));
    return Promise.all(
      asked.map(async (node): Promise<NodeAnswer> => {
        const body = asks.get(node)!;
        try {
          const reply =
            node === this.node.id
              ? this.serveHere(message, {
                  ...request,
                  body: parseRequest(message.schema, body, message.type),
                  rawBody: body,
                })
              : await this.forward(node, request.src, body, request.size);
          return { node, reply };
        } catch (error) {
          if (error instanceof RpcError) return { node, error };
          throw error;
        }
      }),
    );
  }

  /** A peer's forward: served here, never forwarded or gathered again, so a forward loop is impossible. */
  private forwarded(body: z.output<typeof forwardSchema>, forward: Request): ReplyBody {
    const message = this.byType.get(body.request.type);
    if (!message)
      throw new RpcError(ErrorCode.notSupported, `forward: cannot forward ${JSON.stringify(body.request.type)}`);
    const fields = parseRequest(message.schema, body.request, message.type);
    const name = message.projectionOf?.(fields);
    // Peers that disagree on node_ids must not split one projection between two owners.
    if (name !== undefined && this.ownerOf(name) !== this.node.id) {
      throw new RpcError(
        ErrorCode.malformedRequest,
        `${message.type}: projection ${JSON.stringify(name)} is not owned by ${this.node.id ?? 'this node'}`,
      );
    }
    return this.serveHere(message, { ...forward, body: fields, rawBody: body.request });
  }
}
