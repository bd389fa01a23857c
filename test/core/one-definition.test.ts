// Types at namespace scope in native headers are shared by every translation unit that includes them: two
// headers defining one name (sloppy::TrainResult twice once did) break the one-definition rule silently — the
// linker keeps one definition and the other code runs on the wrong layout. This scan fails on such a pair.
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const NATIVE = path.join(__dirname, '..', '..', 'native');

function headers(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return headers(full);
    return /\.(h|cuh)$/.test(e.name) ? [full] : [];
  });
}

test('no two native headers define a namespace-scope type of the same name', () => {
  const where = new Map<string, string[]>();
  for (const file of headers(NATIVE)) {
    // Namespace scope is unindented in this code base; a definition has a body (or a base list), a
    // declaration ends in ';'. Template specialisations repeat their primary's name on purpose.
    for (const m of readFileSync(file, 'utf8').matchAll(/^(?:struct|class|enum class|enum)\s+([A-Za-z_]\w*)\s*(?:[:{]|final)/gm)) {
      const list = where.get(m[1]) ?? [];
      list.push(path.relative(NATIVE, file));
      where.set(m[1], list);
    }
  }
  const clashes = [...where].filter(([, files]) => new Set(files).size > 1).map(([name, files]) => `${name}: ${[...new Set(files)].join(', ')}`);
  expect(where.size).toBeGreaterThan(50);
  expect(clashes).toEqual([]);
});
