/** What a person typing at the node gets, and what a pipe gets only when asked. */
export interface TerminalMode {
  /** A hint on stderr at start, and bare bodies wrapped in envelopes: someone types at the node. */
  readonly typing: boolean;
  /** Replies as indented JSON, a block each. */
  readonly pretty: boolean;
  /** ANSI colors in the indented replies. */
  readonly colors: boolean;
}

export interface TerminalFlags {
  /** --interactive: typing mode whatever stdin is. */
  readonly interactive?: boolean;
  /** --pretty: indented replies whatever stdin is. */
  readonly pretty?: boolean;
}

/**
 * Typing mode when stdin is a terminal or --interactive asks for it, indented replies
 * then or with --pretty, and colors only on a terminal's stdout, unless NO_COLOR is set
 * (https://no-color.org). In a pipe without the flags nothing changes.
 */
export function terminalMode(
  flags: TerminalFlags,
  stdinIsTerminal: boolean,
  stdoutIsTerminal: boolean,
  env: Readonly<Record<string, string | undefined>>,
): TerminalMode {
  const typing = stdinIsTerminal || flags.interactive === true;
  const pretty = typing || flags.pretty === true;
  const colors = pretty && stdoutIsTerminal && (env.NO_COLOR ?? '') === '';
  return { typing, pretty, colors };
}

/** The line on stderr that greets a person typing at the node. */
export const TYPING_HINT = 'projection-node: type one JSON request per line, e.g. {"type":"list"}; Ctrl-D ends';
