/** What the Maelstrom layer accepts, in one place. */

/** Longest accepted input line, in bytes, unless --max-line-bytes says otherwise. */
export const DEFAULT_MAX_LINE_BYTES = 256 * 1024 * 1024;

/**
 * Lines at least this long are parsed only if there is memory for what they become,
 * watching it as they are parsed.
 */
export const LARGE_LINE = 1024 * 1024;

/** Deeper messages are refused: serializing them would overflow the stack. */
export const MAX_NESTING = 1000;

/** How much of an unanswerable line its diagnostic quotes. */
export const PREVIEW_LENGTH = 120;

/**
 * Output waiting for a slow reader, at most, before the node stops taking input lines
 * (one reply may exceed it by itself).
 */
export const MAX_OUTPUT_BACKLOG_BYTES = 1024 * 1024;

/**
 * What the RPCs waiting for answers may hold, at most: each costs RPC_BYTES plus what its
 * caller says it keeps alive (a forwarded request). Past it, an RPC is refused with error 11:
 * a peer that never answers, under a long --rpc-timeout-ms, must not grow memory forever.
 */
export const MAX_PENDING_RPC_BYTES = 64 * 1024 * 1024;

/** A waiting RPC's own cost: its entry, timer and promise, and its caller's closures (about 2 KB measured). */
export const RPC_BYTES = 2048;
