/** What the Maelstrom layer accepts, in one place. */

/** Longest accepted input line, in bytes, unless --max-line-bytes says otherwise. */
export const DEFAULT_MAX_LINE_BYTES = 256 * 1024 * 1024;

/** Deeper messages are refused: serializing them would overflow the stack. */
export const MAX_NESTING = 1000;

/** How much of an unanswerable line its diagnostic quotes. */
export const PREVIEW_LENGTH = 120;

/**
 * Output waiting for a slow reader, at most, before the node stops taking input lines
 * (one reply may exceed it by itself).
 */
export const MAX_OUTPUT_BACKLOG_BYTES = 1024 * 1024;
