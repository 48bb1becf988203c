import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/spawned-node.js';

const copies = mkdtempSync(join(tmpdir(), 'projection-node-startup-'));
afterAll(() => rmSync(copies, { recursive: true, force: true }));

/**
 * Runs `script` in a fresh node from a file, as the bin is, with stdin, stdout and stderr
 * files (`node -e` loads node:crypto, and a pipe node:net); what it writes to stdout, as JSON.
 */
function runScript(script: string): unknown {
  const path = join(copies, 'script.cjs');
  writeFileSync(path, script);
  const [input, output, errors] = ['in', 'out', 'err'].map((name) => join(copies, `script.${name}`)) as [
    string,
    string,
    string,
  ];
  writeFileSync(input, '');
  const result = spawnSync('sh', [
    '-c',
    `exec "$0" "$1" <"$2" >"$3" 2>"$4"`,
    process.execPath,
    path,
    input,
    output,
    errors,
  ]);
  expect(readFileSync(errors, 'utf8')).toBe('');
  expect(result.status).toBe(0);
  return JSON.parse(readFileSync(output, 'utf8'));
}

/** Loads the bundle in `root` as the bin does: whether V8 took its code cache, and what a request gets. */
function load(root: string, write = false): boolean {
  const bundle = join(root, 'dist', 'projection-node.cjs');
  return runScript(`const { loadBundle } = require(${JSON.stringify(join(root, 'bin', 'bundle.cjs'))});
    const bundle = ${JSON.stringify(bundle)};
    const { cached, cache } = loadBundle(bundle, bundle + '.cache');
    if (${write}) require('node:fs').writeFileSync(bundle + '.cache', cache());
    require('node:fs').writeSync(1, JSON.stringify(cached));`) as boolean;
}

/** A copy of bin/ and dist/: the cache still fits, as after npm packs and installs them. */
function copyOfBuild(name: string): string {
  const root = join(copies, name);
  for (const folder of ['bin', 'dist']) cpSync(join(ROOT, folder), join(root, folder), { recursive: true });
  expect(load(root)).toBe(true);
  return root;
}

/** What the node in `root` answers to a read of a projection that does not exist, and its exit status. */
function readMissing(root: string): { stdout: string; status: number | null } {
  return spawnSync(process.execPath, [join(root, 'bin', 'projection-node')], {
    input: '{"src":"c1","dest":"n1","body":{"type":"read","msg_id":1,"projection":"p"}}\n',
    encoding: 'utf8',
  });
}

const NOT_FOUND =
  '{"src":"n1","dest":"c1","body":{"type":"error","in_reply_to":1,"code":20,"text":"read: projection \\"p\\" does not exist"}}\n';

describe('start-up', () => {
  it('loads none of node:crypto, node:zlib, node:tty, node:net, node:os and node:vm for a file: they wait for first use', () => {
    const loaded = runScript(`require(${JSON.stringify(`${ROOT}dist/projection-node.cjs`)});
      require('node:fs').writeSync(1, JSON.stringify(process.moduleLoadList.filter((name) => /^NativeModule (crypto|zlib|tty|net|os|vm)$/.test(name))));`);
    expect(loaded).toEqual([]);
  });

  it('the build writes an ASCII bundle and a code cache that V8 takes', () => {
    const bundle = readFileSync(join(ROOT, 'dist', 'projection-node.cjs'));
    expect(bundle.every((byte) => byte < 0x80)).toBe(true);
    expect(load(ROOT)).toBe(true);
  });

  it('a bundle changed since the cache was made is compiled from its source, the cache left unused', () => {
    const root = copyOfBuild('edited');
    const bundle = join(root, 'dist', 'projection-node.cjs');
    // An edit of the same length, which V8 alone would not see: the reply's text changes with it.
    const source = readFileSync(bundle, 'latin1');
    const edited = source.replace('does not exist`', 'is not there!!`');
    expect(edited).not.toBe(source);
    writeFileSync(bundle, edited, 'latin1');
    expect(load(root)).toBe(false);
    expect(readMissing(root)).toMatchObject({
      stdout: NOT_FOUND.replace('does not exist', 'is not there!!'),
      status: 0,
    });
    // A cache made for the edited bundle is taken again.
    load(root, true);
    expect(load(root)).toBe(true);
    appendFileSync(bundle, '\n');
    expect(load(root)).toBe(false);
  });

  it('a cache made by another Node release, damaged, cut short or missing leaves the node working, compiled from source', () => {
    const root = copyOfBuild('other-caches');
    const cache = join(root, 'dist', 'projection-node.cjs.cache');
    const file = readFileSync(cache);
    const makerLength = file.readUInt32LE(0);
    const dataStart = 8 + makerLength + file.readUInt32LE(4);
    expect(file.toString('latin1', 8, 8 + makerLength)).toBe(`${process.version} ${process.arch}`);
    // Another release of the same length: V8 would take its cache, as they share a V8 version.
    const other = Buffer.from(file);
    other.write(
      process.version.replace(/\d$/, (digit) => String((Number(digit) + 1) % 10)),
      8,
      'latin1',
    );
    writeFileSync(cache, other);
    expect(load(root)).toBe(false);
    expect(readMissing(root)).toMatchObject({ stdout: NOT_FOUND, status: 0 });
    // Bytes of V8's own data changed, as a bad disk might: V8 read them as they were, and crashed.
    for (const flips of [1, 200]) {
      const damaged = Buffer.from(file);
      for (let i = 0; i < flips; i++)
        damaged[dataStart + 1000 + Math.floor(((file.length - dataStart - 2000) * i) / flips)]! ^= 0x5a;
      writeFileSync(cache, damaged);
      expect(load(root)).toBe(false);
      expect(readMissing(root)).toMatchObject({ stdout: NOT_FOUND, status: 0 });
    }
    // Cut inside V8's own data, so that V8 is the one to refuse it.
    writeFileSync(cache, file.subarray(0, dataStart + 4096));
    expect(load(root)).toBe(false);
    expect(readMissing(root)).toMatchObject({ stdout: NOT_FOUND, status: 0 });
    rmSync(cache);
    expect(load(root)).toBe(false);
    expect(readMissing(root)).toMatchObject({ stdout: NOT_FOUND, status: 0 });
  });

  it("leaves Node's own built-ins their code caches: V8 checks caches' checksums only while it reads the bundle's", () => {
    const bundle = join(ROOT, 'dist', 'projection-node.cjs');
    const script = `const builtins = require('internal/test/binding').internalBinding('builtins');
      const before = new Set(builtins.getCacheUsage().compiledWithoutCache);
      const { cached } = require(${JSON.stringify(join(ROOT, 'bin', 'bundle.cjs'))}).loadBundle(${JSON.stringify(bundle)}, ${JSON.stringify(`${bundle}.cache`)});
      for (const name of ['node:net', 'node:tty', 'node:http']) require(name);
      const uncached = [...builtins.getCacheUsage().compiledWithoutCache].filter((name) => !before.has(name));
      process.stdout.write(JSON.stringify({ cached, uncached }));`;
    const run = spawnSync(process.execPath, ['--expose-internals', '--no-warnings', '-e', script], {
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ cached: true, uncached: [] });
  });

  it('the build step makes a cache V8 takes, and fails without leaving one when it cannot', () => {
    const root = copyOfBuild('finish');
    cpSync(join(ROOT, 'scripts'), join(root, 'scripts'), { recursive: true });
    const cache = join(root, 'dist', 'projection-node.cjs.cache');
    const finish = () =>
      spawnSync(process.execPath, [join(root, 'scripts', 'finish-bundle.cjs')], { encoding: 'utf8' });
    rmSync(cache);
    expect(finish().status).toBe(0);
    expect(load(root)).toBe(true);
    // The cache cannot be written: the build fails, and the old cache is gone rather than kept.
    mkdirSync(`${cache}.tmp`);
    const failed = finish();
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain('finish-bundle: the warm-up run failed');
    expect(failed.stderr).toContain(`cannot write ${cache}`);
    expect(existsSync(cache)).toBe(false);
  });
});
