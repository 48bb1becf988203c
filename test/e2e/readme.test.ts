import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { linesOf } from '../support/lines.js';
import { runNode } from '../support/spawned-node.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

interface Example {
  readonly kind: 'lines' | 'shell';
  readonly input: string;
  readonly output: string;
}

/** Each `<!-- example -->` marker is followed by an input block (lines or a shell command) and an output block. */
function examples(markdown: string): Example[] {
  const pattern = /<!-- example(: shell)? -->\s*```\w*\n([\s\S]*?)```\s*```\w*\n([\s\S]*?)```/g;
  return [...markdown.matchAll(pattern)].map(([, shell, input = '', output = '']) => ({
    kind: shell ? 'shell' : 'lines',
    input,
    output,
  }));
}

const found = examples(readme);

describe('README examples', () => {
  it('finds the quick-start pipe, the worked example and the durability example', () => {
    expect(found.map(({ kind }) => kind)).toEqual(['shell', 'lines', 'shell']);
  });

  it.each(found.map((example, index) => [index, example] as const))(
    'example %i gives exactly the replies shown',
    async (_, example) => {
      const expected = linesOf(example.output);
      if (example.kind === 'shell') {
        const stdout = execFileSync('sh', ['-c', example.input], { cwd: root, encoding: 'utf8' });
        expect(linesOf(stdout)).toEqual(expected);
      } else {
        const { stdout, code } = await runNode(example.input);
        expect(code).toBe(0);
        expect(stdout).toEqual(expected);
      }
    },
  );
});

describe('README quick start', () => {
  it('is right that npm start writes its banner to stdout, ahead of the replies', () => {
    expect(readme).toContain(
      'Run `bin/projection-node` itself, not `npm start`: npm writes its own banner\nto stdout, ahead of the replies.',
    );
    const request = '{"src":"c1","dest":"n1","body":{"type":"list","msg_id":1}}\n';
    const stdout = linesOf(execFileSync('npm', ['start'], { cwd: root, input: request, encoding: 'utf8' }));
    expect(stdout.filter((line) => line.startsWith('> '))).not.toEqual([]);
    expect(stdout.at(-1)).toBe('{"src":"n1","dest":"c1","body":{"type":"list_ok","in_reply_to":1,"projections":[]}}');
  });
});
