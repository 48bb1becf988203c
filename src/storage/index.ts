/**
 * The byte-level durable store behind --data-dir: records (opaque UTF-8 strings, one JSON text
 * each) are appended to a log and synced in groups, and a snapshot of the whole image replaces
 * the log from time to time. All calls are synchronous. Usage:
 *
 *     const store = openStore(dir);             // creates and locks dir
 *     store.load((record) => apply(record));    // snapshot's records, then the log's
 *     store.append(record); store.commit();     // one writev + one fdatasync per commit
 *     store.writeSnapshot(image);               // when store.stats says the log has grown
 *     store.close();
 *
 * Failures are StorageErrors; see errors.ts for their kinds.
 */
export { describeError, StorageError, type StorageErrorKind } from './errors.js';
export { type FileSystem, nodeFileSystem, type OpenMode } from './files.js';
export { nodeFolder } from './layout.js';
export { openStore, type Store, type StoreOptions, type StoreStats } from './store.js';
