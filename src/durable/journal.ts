import { join } from 'node:path';
import { ErrorCode, RpcError } from '../maelstrom/errors.js';
import type { ReplyGateFailure } from '../maelstrom/node.js';
import { ProjectionStore } from '../projections/store.js';
import type { StateJsonCache } from '../state-json/state-json.js';
import { type FileSystem, nodeFolder, openStore, StorageError, type Store } from '../storage/index.js';
import { RecordRoom } from './record-room.js';
import { type Change, encodeChange, type RestoredImage, replay } from './records.js';

/** The log may grow to this many times the last snapshot before the next one (at least SNAPSHOT_MIN_BYTES). */
const SNAPSHOT_GROWTH = 2;
const SNAPSHOT_MIN_BYTES = 4 * 1024 * 1024;

export interface JournalOptions {
  readonly dataDir: string;
  /** The projections of this node, which the journal fills from disk and records the changes of. */
  readonly projections: ProjectionStore;
  readonly json: StateJsonCache;
  readonly log: (line: string) => void;
  /** Called when the data directory cannot be opened: the node cannot serve, and should stop. */
  readonly fatal: (message: string) => void;
  /** The file system under the store; the real one unless a test injects faults. */
  readonly fs?: FileSystem;
  /** The longest record (see RecordRoom); MAX_RECORD_CHARS unless a test sets less. */
  readonly maxRecordChars?: number;
}

/**
 * Keeps the projections of a node durable in its data directory. Each change is
 * recorded as it is made in memory; `commit` makes a whole batch durable before any
 * of its replies leaves (one sync per batch). If a batch cannot be written, memory
 * goes back to what the disk holds and its replies become error 11; if the disk
 * cannot say whether it holds the batch, they become error 13 and no write is taken
 * again until the node restarts. The directory is opened at the first request:
 * DIR itself before init, DIR/<node_id> once init names the node (see nodeFolder).
 */
export class Journal {
  private store: Store | undefined;
  /** Syncs of the stores a failed write closed and reloaded. */
  private syncsBefore = 0;
  /** Why writes are refused for good, once a sync has failed. */
  private broken: string | undefined;
  /** The store's count of events applied when the disk last held everything: what undoing a batch goes back to. */
  private eventsAppliedDurably = 0;
  /** The log's size at which a snapshot that failed is tried again: after each failure, once the log has doubled. */
  private retrySnapshotAt = 0;

  /** Keeps every record within what can be written and read back; writes ask it before they change anything. */
  readonly room: RecordRoom;

  constructor(private readonly options: JournalOptions) {
    this.room = new RecordRoom(options.json, options.maxRecordChars);
  }

  /** Opens the data directory of a node that has no id (before init), if none is open yet. */
  openUnnamed(): void {
    if (!this.store) this.open(this.options.dataDir);
  }

  /** Opens the data directory of node `id`, if none is open yet; says so if another one stays open. */
  openFor(id: string): void {
    const dir = join(this.options.dataDir, nodeFolder(id));
    if (!this.store) this.open(dir);
    else if (this.store.dir !== dir)
      this.options.log(
        `init named this node ${JSON.stringify(id)}, but its data stays in ${this.store.dir}, where a request before init put it; a node started with init first uses ${dir}`,
      );
  }

  /** Throws error 11 if writes are refused (a sync failed earlier): nothing will be changed. */
  checkWritable(type: string): void {
    if (this.broken !== undefined) throw new RpcError(ErrorCode.temporarilyUnavailable, `${type}: ${this.broken}`);
  }

  /** Records a change just made in memory; it is durable at the next commit. */
  record(change: Change): void {
    this.store?.append(encodeChange(change));
  }

  /** The syncs made in the data directory so far, by this store and those a failed write reloaded. */
  get syncs(): number | undefined {
    return this.store === undefined ? undefined : this.syncsBefore + this.store.stats.syncs;
  }

  /** The directory in use: the data directory, or its node's folder once init named the node. */
  get dir(): string | undefined {
    return this.store?.dir;
  }

  /** Makes every recorded change durable; what the replies of the batch become if that fails. */
  commit(): ReplyGateFailure | undefined {
    const store = this.store;
    // Once broken, no write is taken, so nothing waits to be made durable.
    if (!store || this.broken !== undefined) return undefined;
    try {
      store.commit();
    } catch (error) {
      return this.failed(error);
    }
    this.eventsAppliedDurably = this.options.projections.eventsApplied;
    const { logBytes, snapshotBytes } = store.stats;
    if (logBytes > Math.max(SNAPSHOT_GROWTH * snapshotBytes, SNAPSHOT_MIN_BYTES, this.retrySnapshotAt))
      this.snapshot(store);
    return undefined;
  }

  close(): void {
    this.store?.close();
    this.store = undefined;
  }

  /** Opens `dir` and puts what it holds in memory; the count of events applied goes back to `eventsApplied`. */
  private open(dir: string, eventsApplied = this.options.projections.eventsApplied): void {
    let store: Store | undefined;
    const loaded = new ProjectionStore(this.options.projections.options);
    const images: RestoredImage[] = [];
    try {
      store = openStore(dir, { log: this.options.log, ...(this.options.fs ? { fs: this.options.fs } : {}) });
      store.load((record) => {
        const image = replay(loaded, record);
        if (image) images.push(image);
      });
    } catch (error) {
      // A directory that cannot be loaded is let go: its lock would say a process uses it still.
      store?.close();
      this.options.fatal(`cannot use the data directory ${dir}: ${(error as Error).message}`);
      return;
    }
    this.store = store;
    for (const projection of loaded.all()) projection.useOwnWindow();
    this.options.projections.replaceWith(loaded, eventsApplied);
    this.eventsAppliedDurably = eventsApplied;
    // A state no later record changed is answered with its JSON as the image holds it, not serialized again.
    for (const { projection, version, stateJson } of images) {
      if (loaded.get(projection.name) === projection && projection.version === version)
        this.options.json.of(projection).seed(stateJson);
    }
  }

  private failed(error: unknown): ReplyGateFailure {
    const reason = error instanceof Error ? error.message : String(error);
    if (error instanceof StorageError && error.kind === 'write-failed') {
      // Nothing of the batch is on disk: memory goes back to what is.
      this.reload();
      this.options.log(`a write to the data directory failed, and its batch was undone: ${reason}`);
      return {
        code: ErrorCode.temporarilyUnavailable,
        text: `the data directory could not be written (${reason}); nothing was done`,
      };
    }
    this.broken = `the data directory failed (${reason}); no write is taken until the node restarts`;
    this.options.log(`the data directory failed, and no write is taken until the node restarts: ${reason}`);
    return {
      code: ErrorCode.crash,
      text: `the data directory could not be synced (${reason}); the change may or may not be durable`,
    };
  }

  /** Loads what the disk holds in place of what memory holds. */
  private reload(): void {
    const store = this.store;
    if (!store) return;
    const dir = store.dir;
    store.close();
    this.syncsBefore += store.stats.syncs;
    this.store = undefined;
    this.open(dir, this.eventsAppliedDurably);
  }

  private snapshot(store: Store): void {
    const { projections, json } = this.options;
    const records = function* (): Generator<string> {
      for (const projection of projections.all()) {
        yield encodeChange({ op: 'image', projection, state: json.of(projection).json() });
      }
    };
    try {
      store.writeSnapshot(records());
      this.retrySnapshotAt = 0;
    } catch (error) {
      // Not again at every batch: a snapshot costs about as much as the state, and the log keeps everything meanwhile.
      this.retrySnapshotAt = SNAPSHOT_GROWTH * store.stats.logBytes;
      // The old files still hold everything; a snapshot is only for size and restart time.
      if (error instanceof StorageError && error.kind !== 'write-failed') {
        this.broken = `the data directory failed (${error.message}); no write is taken until the node restarts`;
      }
      this.options.log(`could not write a snapshot: ${(error as Error).message}`);
    }
  }
}
