/**
 * A command run in a real pseudo-terminal, as a person would run it, through util-linux's
 * `script -qec COMMAND /dev/null`: what the test types goes to the terminal (which
 * echoes it, as a terminal does), and everything the terminal shows comes back.
 */
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Each wait gives up after this long; a failure says what it waited for and what the terminal showed. */
const WAIT_MS = 20_000;

const ANSI_COLOR = /\u001b\[[0-9;]*m/g;

/** Fails at once, naming what is missing, where there is no util-linux `script`. */
export function assertScriptWorks(): void {
  try {
    execFileSync('script', ['-qec', 'true', '/dev/null'], { stdio: 'ignore' });
  } catch (error) {
    throw new Error(`these tests run the node in a pseudo-terminal with util-linux's "script": ${String(error)}`);
  }
}

export class Pty {
  readonly child: ChildProcessWithoutNullStreams;
  /** What the terminal showed, exactly, escape sequences and "\r\n" included. */
  raw = '';
  private readonly exited: Promise<number | null>;
  private closed = false;
  private readonly waiters = new Set<() => void>();

  /** Runs `command` with `sh -c` in a terminal, in the checkout's root; `env` is added to the test's own, less NO_COLOR. */
  constructor(command: string, env: Readonly<Record<string, string>> = {}) {
    const { NO_COLOR: _, ...inherited } = process.env;
    this.child = spawn('script', ['-qec', command, '/dev/null'], { cwd: ROOT, env: { ...inherited, ...env } });
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (text: string) => {
      this.raw += text;
      this.notify();
    });
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (text: string) => {
      this.raw += `[script: ${text}]`;
      this.notify();
    });
    this.exited = new Promise((resolve) => {
      this.child.on('close', (code) => {
        this.closed = true;
        this.notify();
        resolve(code);
      });
    });
  }

  /** What the terminal showed, as a person reads it: colors removed, lines ending in "\n". */
  get text(): string {
    return this.raw.replace(ANSI_COLOR, '').replaceAll('\r\n', '\n');
  }

  /** Types `keys`; a line needs its "\n", and Ctrl-D is "\u0004". */
  type(keys: string): void {
    this.child.stdin.write(keys);
  }

  /** Resolves once `done` holds for the text shown; rejects, with the text, if the command ends first or after a while. */
  async waitFor(what: string, done: (text: string) => boolean): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    while (!done(this.text)) {
      if (this.closed || Date.now() > deadline) {
        throw new Error(`waited for ${what}; the terminal showed:\n${this.text}`);
      }
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, 200);
        this.waiters.add(wake);
      });
    }
  }

  /** Resolves with the command's exit status once it has ended (script passes it on). */
  async exit(): Promise<number | null> {
    const code = await this.exited;
    this.child.stdin.end();
    return code;
  }

  /** Ends the command if a failed test left it running. */
  kill(): void {
    if (!this.closed) this.child.kill();
  }

  private notify(): void {
    for (const wake of [...this.waiters]) wake();
  }
}
