import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linesOf } from '../support/lines.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  devDependencies: Record<string, string>;
  scripts: Record<string, string>;
};
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const tarball = `${packageJson.name}-${packageJson.version}.tgz`;

/** The README's quick-start request and the one reply it shows. */
const quickStart =
  /<!-- example: shell -->\s*```sh\necho '([^'\n]*)' \| bin\/projection-node\n```\s*```jsonl\n([^\n]*)\n```/.exec(
    readme,
  );
/** The README's install block, its commands one a line. */
const installBlock = /<!-- install -->\s*```sh\n([\s\S]*?)```/.exec(readme);

/** What a fresh clone lacks (node_modules/ and dist/ among them), and scratch space a copy must not copy into itself. */
const NOT_COPIED = new Set(['.git', 'node_modules', 'dist', join('.ci', '.out'), join('bench', '.work')]);

interface Result {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number | null;
}

let scratch = '';

/** The environment of a plain shell: none of the npm_* settings of an `npm test` this may run under (its prefix, its cache). */
function shellEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(npm_|INIT_CWD$)/i.test(name)));
  // An npm cache of its own, empty at first: the install cannot take anything from an earlier download.
  // Offline throughout: nothing here may need the registry.
  return {
    ...env,
    npm_config_cache: join(scratch, 'npm-cache'),
    npm_config_offline: 'true',
    npm_config_update_notifier: 'false',
  };
}

function run(command: string, args: readonly string[], cwd: string, input = ''): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: shellEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout, stderr, code }));
    child.stdin.end(input);
  });
}

async function succeed(command: string, args: readonly string[], cwd: string): Promise<string> {
  const result = await run(command, args, cwd);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.code}:\n${result.stderr}`);
  return result.stdout;
}

/**
 * Copies the checkout at `from` without what NOT_COPIED names. Not one cpSync with a filter: that
 * refuses to copy a folder into itself, which the copy is when TMPDIR is .ci/.out/tmp, as in CI.
 */
function copyCheckout(from: string, to: string, path = ''): void {
  mkdirSync(join(to, path), { recursive: true });
  for (const entry of readdirSync(join(from, path), { withFileTypes: true })) {
    const child = join(path, entry.name);
    if (NOT_COPIED.has(child)) continue;
    if (entry.isDirectory()) copyCheckout(from, to, child);
    else cpSync(join(from, child), join(to, child));
  }
}

let packed: { filename: string; files: { path: string }[] };
let project = '';

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'projection-node-package-'));
  // npm pack in a copy of the checkout: its prepare script builds the copy's own dist/, so this proves
  // that packing builds, and the dist/ other tests are running is never rewritten under them.
  const checkout = join(scratch, 'checkout');
  copyCheckout(root, checkout);
  symlinkSync(join(root, 'node_modules'), join(checkout, 'node_modules'), 'dir');
  [packed] = JSON.parse(await succeed('npm', ['pack', '--json', '--pack-destination', scratch], checkout));

  project = join(scratch, 'my-project');
  mkdirSync(project);
  writeFileSync(
    join(project, 'package.json'),
    `${JSON.stringify({ name: 'my-project', version: '1.0.0', private: true })}\n`,
  );
  await succeed('npm', ['install', '--offline', '--no-audit', '--no-fund', join(scratch, tarball)], project);
}, 120_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('the README shows the quick-start request, and installs the tarball npm pack writes', () => {
    expect(quickStart).not.toBeNull();
    expect(installBlock?.[1]).toContain(`npm pack\n`);
    expect(installBlock?.[1]).toContain(`tarball="$PWD/${tarball}"\n`);
    expect(installBlock?.[1]).toContain(`npm install --offline "$tarball"\n`);
    expect(installBlock?.[1]).toContain(`echo '${quickStart?.[1]}' | npx projection-node\n`);
    expect(packed.filename).toBe(tarball);
  });

  it('npm test lints, type checks, builds, then runs the suite, as the quick start says', () => {
    expect(packageJson.scripts.test).toBe('npm run lint && npm run typecheck && npm run build && vitest run');
  });

  it('builds dist/ through the prepare script, which both npm ci and npm pack run', () => {
    // The copy that was packed had no dist/: the file list below shows the build ran.
    expect(packageJson.scripts.prepare).toBe('npm run build');
    expect(packageJson.scripts.build).toContain('--outfile=dist/projection-node.cjs');
  });

  it('holds the bundle, built while packing, the executable and the documents: no sources, tests or benchmarks', () => {
    expect(packed.files.map(({ path }) => path).sort()).toEqual([
      'LICENSE',
      'README.md',
      'THIRD-PARTY-NOTICES',
      'bin/bundle.cjs',
      'bin/package.json',
      'bin/projection-node',
      'dist/projection-node.cjs',
      'dist/projection-node.cjs.cache',
      'package.json',
    ]);
  });

  it('installs a code cache that V8 takes: packing and unpacking keep it matched to the bundle', async () => {
    const installed = join(project, 'node_modules', 'projection-node');
    const script = `const { loadBundle } = require('./bin/bundle.cjs');
      require('node:fs').writeSync(1, String(loadBundle('dist/projection-node.cjs', 'dist/projection-node.cjs.cache').cached));`;
    expect(await succeed(process.execPath, ['-e', script], installed)).toBe('true');
  });

  it('has no dependencies, so an offline install from an empty cache adds nothing else', () => {
    expect(packageJson.dependencies).toBeUndefined();
    expect(packageJson.devDependencies).toHaveProperty('zod');
    expect(readdirSync(join(project, 'node_modules')).filter((name) => !name.startsWith('.'))).toEqual([
      'projection-node',
    ]);
  });

  it('answers the quick-start request through node_modules/.bin/projection-node', async () => {
    const [, request, reply] = quickStart ?? [];
    const result = await run(join(project, 'node_modules', '.bin', 'projection-node'), [], project, `${request}\n`);
    expect(result).toEqual({ stdout: `${reply}\n`, stderr: '', code: 0 });
  });

  it('answers it through npx, and npx writes nothing else to stdout', async () => {
    const command = linesOf(installBlock?.[1] ?? '').find((line) => line.startsWith('echo ')) ?? '';
    const result = await run('sh', ['-c', command], project);
    expect(result.stdout).toBe(`${quickStart?.[2]}\n`);
    expect(result.code).toBe(0);
  });

  it('carries the license of every package bundled into dist/projection-node.cjs', () => {
    const bundle = readFileSync(
      join(project, 'node_modules', 'projection-node', 'dist', 'projection-node.cjs'),
      'utf8',
    );
    // esbuild heads each bundled module with a comment naming its path.
    const bundled = new Set(
      [...bundle.matchAll(/^\/\/ (?:\S*\/)?node_modules\/((?:@[^/\s]+\/)?[^/\s]+)\//gm)].map(([, name]) => name),
    );
    expect([...bundled]).toEqual(['zod']);
    const notices = readFileSync(join(project, 'node_modules', 'projection-node', 'THIRD-PARTY-NOTICES'), 'utf8');
    for (const name of bundled)
      expect(notices).toContain(readFileSync(join(root, 'node_modules', name!, 'LICENSE'), 'utf8'));
  });
});

describe('bin/projection-node without a build', () => {
  /** A copy of `parts` of the checkout, with no dist/ (and node_modules/ only as a part), and what the bin says there. */
  async function runCopy(
    parts: readonly string[],
    args: readonly string[],
    input = '',
  ): Promise<Result & { dir: string }> {
    const dir = mkdtempSync(join(tmpdir(), 'projection-node-unbuilt-'));
    try {
      for (const part of parts) {
        if (part === 'node_modules') symlinkSync(join(root, part), join(dir, part), 'dir');
        else cpSync(join(root, part), join(dir, part), { recursive: true });
      }
      return { ...(await run(process.execPath, [join(dir, 'bin', 'projection-node'), ...args], dir, input)), dir };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it.each([[[]], [['--help']]])(
    'in a checkout before npm ci (args %j), says in one line to run npm ci, and exits 1',
    async (args) => {
      const { stdout, stderr, code, dir } = await runCopy(['bin', 'package.json', 'src'], args);
      expect({ stdout, stderr, code }).toEqual({
        stdout: '',
        stderr: `projection-node: not built yet; run "npm ci" in ${dir}\n`,
        code: 1,
      });
    },
  );

  it('in an install that lost its bundle, says which file is missing, and exits 1', async () => {
    const { stdout, stderr, code, dir } = await runCopy(['bin', 'package.json'], []);
    const bundle = join(dir, 'dist', 'projection-node.cjs');
    expect({ stdout, stderr, code }).toEqual({
      stdout: '',
      stderr: `projection-node: ${bundle} is missing; install projection-node again\n`,
      code: 1,
    });
  });

  it('in a checkout after npm ci whose dist/ is gone, runs src/ through tsx', async () => {
    const [, request, reply] = quickStart ?? [];
    const { stdout, stderr, code } = await runCopy(['bin', 'package.json', 'src', 'node_modules'], [], `${request}\n`);
    expect({ stdout, stderr, code }).toEqual({ stdout: `${reply}\n`, stderr: '', code: 0 });
  });
});
