/**
 * A process that opens a store for the lock tests: `child-store.ts <dir> [wait]`. It prints
 * `open` once it holds the store and has committed `from <pid>`, or `<kind> <message>` if it
 * could not open it, then holds on until its stdin ends (or it is killed). With `wait`, it prints
 * `ready` and opens only when a line arrives on stdin, so several can race.
 */
import { once } from 'node:events';
import { StorageError } from '../../src/storage/errors.js';
import { openStore, type Store } from '../../src/storage/store.js';

const [dir, mode] = process.argv.slice(2);

function attempt(): Store | undefined {
  try {
    const store = openStore(dir ?? '');
    store.load(() => {});
    store.append(`from ${process.pid}`);
    store.commit();
    process.stdout.write('open\n');
    return store;
  } catch (error) {
    process.stdout.write(
      error instanceof StorageError ? `${error.kind} ${error.message}\n` : `error ${String(error)}\n`,
    );
    return undefined;
  }
}

if (mode === 'wait') {
  process.stdout.write('ready\n');
  await once(process.stdin, 'data');
}
const store = attempt();
process.stdin.resume();
await once(process.stdin, 'end');
store?.close();
