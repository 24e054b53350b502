import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The marker that says a code block is not a whole program: an HTML comment on the lines before it. */
export const FRAGMENT_MARKER = '<!-- fragment -->';

/** One fenced TypeScript block of a Markdown page. */
export interface CodeBlock {
  /** `README.md:49`: the page and the line of the opening fence. */
  where: string;
  code: string;
  /** Marked with {@link FRAGMENT_MARKER}: shown, not run. */
  fragment: boolean;
}

/** The pages whose TypeScript blocks must run: the README and every page of docs/. */
export function documentationPages(root: string): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => join('docs', name));
  return ['README.md', ...docs];
}

/** Every ```ts / ```typescript block of a page, in order. */
export function typeScriptBlocks(root: string, page: string): CodeBlock[] {
  const lines = readFileSync(join(root, page), 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  for (let index = 0; index < lines.length; index++) {
    const open = /^(\s*)(`{3,})(ts|typescript)\s*$/.exec(lines[index]!);
    if (!open) continue;
    const fence = open[2]!;
    const start = index;
    const body: string[] = [];
    for (index++; index < lines.length && lines[index]!.trim() !== fence; index++) body.push(lines[index]!);
    let previous = start - 1;
    while (previous >= 0 && lines[previous]!.trim() === '') previous--;
    blocks.push({
      where: `${page}:${start + 1}`,
      code: body.map((line) => line.slice(open[1]!.length)).join('\n'),
      fragment: previous >= 0 && lines[previous]!.trim() === FRAGMENT_MARKER,
    });
  }
  return blocks;
}
