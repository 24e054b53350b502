/** A key written twice in one section of an ini file (sections and keys compared case-insensitively). */
export interface DuplicateKey {
  section: string | undefined;
  key: string;
  firstLine: number;
  secondLine: number;
}

/**
 * The first key given twice in the same section, with both line numbers (1-based). The ini
 * parser keeps the last value silently; a repeated key is almost always a mistake, such as
 * two connection strings of which the wrong one wins. A section written twice is one section.
 */
export function findDuplicateKey(text: string): DuplicateKey | undefined {
  const seen = new Map<string, number>();
  let section: string | undefined;
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = (lines[index] ?? '').trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#')) continue;
    const header = /^\[(.*)\]$/.exec(line);
    if (header) {
      section = (header[1] ?? '').trim();
      continue;
    }
    const key = line.split('=')[0]!.trim();
    if (key === '' || key.endsWith('[]')) continue;
    const id = `${section?.toLowerCase() ?? ''}\u0000${key.toLowerCase()}`;
    const firstLine = seen.get(id);
    if (firstLine !== undefined) return { section, key, firstLine, secondLine: index + 1 };
    seen.set(id, index + 1);
  }
  return undefined;
}
