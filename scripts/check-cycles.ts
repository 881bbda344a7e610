/**
 * Finds import cycles among the TypeScript files of src/ (type-only imports included: a cycle
 * of types is still two modules that cannot be understood one without the other).
 *
 *   npm run check:cycles      prints each cycle and exits 1, or prints "no import cycle"
 *
 * A small script rather than a dependency (madge, dpdm): src/ uses only relative imports with
 * explicit `.js` extensions, so a regular expression reads every edge.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');

function listTs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return listTs(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^;'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

/** The src/ files a file imports (relative specifiers, `.js` mapped back to `.ts`). */
export function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out = new Set<string>();
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2]!;
    out.add(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
  }
  return [...out];
}

/** Every elementary cycle found by a depth-first search, each reported once. */
export function findCycles(files: readonly string[]): string[][] {
  const graph = new Map(files.map((f) => [f, importsOf(f).filter((t) => files.includes(t))]));
  const cycles = new Map<string, string[]>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const done = new Set<string>();
  const visit = (f: string): void => {
    stack.push(f);
    onStack.add(f);
    for (const t of graph.get(f) ?? []) {
      if (onStack.has(t)) {
        const cycle = stack.slice(stack.indexOf(t));
        const key = [...cycle].sort().join('|');
        if (!cycles.has(key)) cycles.set(key, cycle);
      } else if (!done.has(t)) visit(t);
    }
    stack.pop();
    onStack.delete(f);
    done.add(f);
  };
  for (const f of files) if (!done.has(f)) visit(f);
  return [...cycles.values()];
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const cycles = findCycles(listTs(src));
  for (const c of cycles) console.log(`cycle: ${[...c, c[0]!].map((f) => relative(root, f)).join(' -> ')}`);
  if (cycles.length > 0) process.exit(1);
  console.log('no import cycle in src/');
}
