import { RpcError } from '../maelstrom/errors.js';
import type { ArraySink } from '../maelstrom/stream.js';
import { describeIssues, issuesWithInput } from '../maelstrom/validate.js';
import { ProjectionError } from '../projections/errors.js';
import type { ExpectedVersion, ProjectionEvent, Replay } from '../projections/projection.js';
import type { Context } from './message.js';
import { event, hotEvent } from './schemas.js';

/** The skipped events a reply names, at most; the rest are counted. */
export const MAX_SKIPPED_LISTED = 100;
/** A skipped event's text is cut to this many characters. */
export const MAX_SKIPPED_TEXT = 256;

export interface SkippedEvent {
  readonly index: number;
  readonly text: string;
}

/** Any valid event: what stands for the valid events before a bad one. */
const VALID_EVENT: ProjectionEvent = { event_type: '', event_data: null };

/** A rebuild running longer than this writes progress lines, one per PROGRESS_EVERY_MS. */
export const PROGRESS_AFTER_MS = 2000;
export const PROGRESS_EVERY_MS = 1000;

/**
 * A rebuild's events, applied to a fresh state as they arrive, before the rest of the
 * request is known: whether it says `"on_error":"skip"`, its expected_version. So each
 * event is applied as with skip (a bad one is passed over and noted); once the request
 * is whole, `finish` either fails it with its first bad event or commits the state.
 */
export class RebuildStream implements ArraySink {
  private replay: Replay | undefined;
  private taken = 0;
  private bytesRead = 0;
  /** The first event the event schema refuses, kept for the request's check. */
  private invalid: { readonly index: number; readonly value: unknown } | undefined;
  /** The first event the state refused: `events[3]: …`. */
  private refused: string | undefined;
  /** Why no state is kept any more (no memory for it): the request's answer. */
  private refusal: RpcError | undefined;
  private skippedCount = 0;
  private readonly skippedList: SkippedEvent[] = [];
  private readonly progress: RebuildProgress;

  constructor(
    private readonly context: Context,
    readonly name: string,
  ) {
    this.replay = context.store.replay(name);
    this.progress = new RebuildProgress(context, name);
  }

  take(events: readonly unknown[], bytesRead: number): void {
    const grown = bytesRead - this.bytesRead;
    this.bytesRead = bytesRead;
    if (this.replay) {
      try {
        this.context.memory.admit('rebuild', grown);
      } catch (error) {
        if (!(error instanceof RpcError)) throw error;
        this.refusal = error;
        this.replay = undefined;
      }
    }
    for (const value of events) {
      const index = this.taken++;
      if (!hotEvent.validate(value)) {
        this.invalid ??= { index, value };
        this.skip(index, () => describeIssues(issuesWithInput(event, value), `events[${index}]`));
        continue;
      }
      if (!this.replay) continue;
      try {
        this.replay.apply(value as ProjectionEvent);
      } catch (error) {
        if (!(error instanceof ProjectionError)) throw error;
        const text = `events[${index}]: ${error.message}`;
        this.refused ??= text;
        this.skip(index, () => text);
      }
    }
    this.progress.tell(this.replay?.applied ?? 0, this.bytesRead);
  }

  standIn(): unknown[] {
    if (!this.invalid) return [];
    const events: unknown[] = new Array(this.invalid.index + 1).fill(VALID_EVENT);
    events[this.invalid.index] = this.invalid.value;
    return events;
  }

  /** The bytes of input the events came from. */
  get size(): number {
    return this.bytesRead;
  }

  /**
   * The replay to commit, once the request is whole and valid: error 11 if memory ran
   * out on the way; without `skip`, the first event the state refused fails it, after
   * the version check, as a rebuild of the whole list would.
   */
  finish(skip: boolean, expectedVersion: ExpectedVersion | undefined): Replay {
    if (this.refusal) throw this.refusal;
    const replay = this.replay as Replay;
    replay.projection.checkVersion(expectedVersion);
    if (!skip && this.refused !== undefined) throw new ProjectionError('invalid-event', this.refused);
    return replay;
  }

  /** What a reply with on_error "skip" adds. */
  skipped(): { skipped: number; skipped_events: SkippedEvent[] } {
    return { skipped: this.skippedCount, skipped_events: this.skippedList };
  }

  private skip(index: number, text: () => string): void {
    this.skippedCount++;
    if (this.skippedList.length < MAX_SKIPPED_LISTED) {
      this.skippedList.push({ index, text: text().slice(0, MAX_SKIPPED_TEXT) });
    }
  }
}

/** A rebuild's progress lines: one a second once it has run PROGRESS_AFTER_MS, told once per batch of events. */
export class RebuildProgress {
  private readonly startedAt: number;
  private next: number;

  constructor(
    private readonly context: Context,
    private readonly name: string,
  ) {
    this.startedAt = context.progressClock?.() ?? 0;
    this.next = this.startedAt + PROGRESS_AFTER_MS;
  }

  tell(applied: number, bytesRead: number): void {
    const { progressClock: clock, log } = this.context;
    if (!clock || !log) return;
    const now = clock();
    if (now < this.next) return;
    this.next = now + PROGRESS_EVERY_MS;
    const rate = Math.round((applied * 1000) / Math.max(1, now - this.startedAt));
    log(
      `rebuild of ${JSON.stringify(this.name)}: ${applied} events applied, ${bytesRead} bytes read, ${rate} events/s`,
    );
  }
}
