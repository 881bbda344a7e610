/**
 * Builds lua/ into src/runtime/lua-scripts.generated.ts: each operation's script with its
 * `--@include NAME` lines replaced by lua/includes/NAME.lua, plus its SHA1. The generated module
 * is what the library ships, so nothing reads lua/ at run time.
 *
 *   npx tsx scripts/build-lua.ts          write the module
 *   npx tsx scripts/build-lua.ts --check  exit 1 when the module is out of date
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { queuedScripts } from '../src/ops/table.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const luaDir = join(root, 'lua');
const out = join(root, 'src', 'runtime', 'lua-scripts.generated.ts');

function listLua(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'includes' ? [] : listLua(p);
    return e.name.endsWith('.lua') ? [p] : [];
  });
}

const INDEX_MARK = /^--@index( ttl)?[ \t]*$/m;

/** The name of the variant of a script with an `--@index` line that keeps the indexes. */
export const INDEXED_SUFFIX = '+index';

/**
 * A script with an `--@index` line (after its includes) is built twice. As itself, without the
 * line, for models without indexed fields (they pay nothing for indexes); and as
 * `${name}+index`, which gets lua/includes/index.lua and whose body, what follows the line,
 * becomes a function: the index tail is taken off KEYS and ARGV before it runs, and the indexes
 * are updated after it succeeded (README, Queries). `indexed` picks the variant. `--@index ttl`
 * marks a script that moves the TTL without writing (its models' expiry times are recorded).
 */
export function indexWrap(lua: string, indexed: boolean): string {
  const m = INDEX_MARK.exec(lua);
  if (!m) return lua;
  const body = lua.slice(m.index + m[0].length).replace(/\s+$/, '');
  if (!indexed) return `${lua.slice(0, m.index)}${body.replace(/^\n/, '')}\n`;
  return `${lua.slice(0, m.index)}--@include index\nlocal rapyer_ix = rapyer_ix_take()\nlocal function rapyer_op()${body}\nend\nreturn rapyer_ix_after(rapyer_ix, rapyer_op(), ${m[1] ? 'true' : 'false'})\n`;
}

export function buildScript(file: string, indexed = false): string {
  const seen = new Set<string>();
  return indexWrap(readFileSync(file, 'utf8'), indexed).replace(/^--@include ([\w-]+)[ \t]*$/gm, (_m, name: string) => {
    if (seen.has(name)) return '';
    seen.add(name);
    const inc = join(luaDir, 'includes', `${name}.lua`);
    if (!existsSync(inc)) throw new Error(`${relative(root, file)}: no include ${name}`);
    return readFileSync(inc, 'utf8').trimEnd();
  });
}

const OPS_MARK = /^--@ops[ \t]*$/m;

/**
 * Lua without its comments and blank lines (for the pipeline batch, which carries many
 * scripts): `--[[ … ]]` blocks, and `--` to the end of a line when outside a quoted string.
 */
export function stripComments(lua: string): string {
  const noBlocks = lua.replace(/--\[\[[\s\S]*?\]\]/g, '');
  const lines = noBlocks.split('\n').map((line) => {
    let quote: string | null = null;
    for (let i = 0; i < line.length; i += 1) {
      const c = line[i]!;
      if (quote) {
        if (c === '\\') i += 1;
        else if (c === quote) quote = null;
      } else if (c === "'" || c === '"') quote = c;
      else if (c === '-' && line[i + 1] === '-') return line.slice(0, i).trimEnd();
    }
    return line.trimEnd();
  });
  return lines.filter((l) => l.trim() !== '').join('\n');
}

/** The `--@include` names of a script, in order. */
function includesOf(lua: string): string[] {
  return [...lua.matchAll(/^--@include ([\w-]+)[ \t]*$/gm)].map((m) => m[1]!);
}

/**
 * The includes of several scripts, each once, in an order that keeps every script's own order
 * (an include may use the functions of the ones before it).
 */
function includeUnion(lists: readonly string[][]): string[] {
  const seen: string[] = [];
  for (const list of lists) for (const name of list) if (!seen.includes(name)) seen.push(name);
  // each step places the first name (in order of first use) that no list puts after an unplaced one
  const order: string[] = [];
  while (order.length < seen.length) {
    const next = seen.find((n) => !order.includes(n) && lists.every((l) => l.slice(0, l.indexOf(n)).every((p) => l.indexOf(n) < 0 || order.includes(p))));
    if (next === undefined) throw new Error(`includes ${seen.join(', ')}: no order fits every script`);
    order.push(next);
  }
  for (const list of lists) {
    const at = list.map((n) => order.indexOf(n));
    if (at.some((p, i) => i > 0 && p < at[i - 1]!)) throw new Error(`includes ${list.join(', ')}: no order fits every script`);
  }
  return order;
}

/**
 * A script with a `--@ops` line (the pipeline batch) gets there, once, every include the queued
 * operations use, then the script of every operation that can be queued (src/ops/table.ts) as a
 * function without parameters, without its includes and comments: the same Lua code, reading
 * the batch's KEYS and ARGV upvalues (which the batch fills before each call), sharing one copy
 * of the include functions instead of making them again at every call.
 */
function withOps(lua: string, sources: ReadonlyMap<string, string>): string {
  if (!OPS_MARK.test(lua)) return lua;
  const queued = new Set<string>(queuedScripts().flatMap((n) => [n, `${n}${INDEXED_SUFFIX}`]));
  const ops = [...sources].filter(([name]) => queued.has(name));
  const includes = includeUnion(ops.map(([, body]) => includesOf(body)));
  const shared = includes.map((name) => stripComments(readFileSync(join(luaDir, 'includes', `${name}.lua`), 'utf8')));
  const branches = ops.map(([name, body], i) => {
    const own = stripComments(body.replace(/^--@include [\w-]+[ \t]*$/gm, ''));
    return `${i === 0 ? 'if' : 'elseif'} name == ${JSON.stringify(name)} then\n${own}`;
  });
  const run = ['local function run_op(name)', ...branches, "else return redis.error_reply('RAPYER_UNSUPPORTED no script ' .. name) end", 'end'];
  return lua.replace(OPS_MARK, () => [...shared, ...run].join('\n'));
}

/**
 * The Redis commands the scripts run (`redis.call('X'`, `redis.pcall('X'`, and the command
 * names given to lua/includes/collection-op.lua's `rapyer_push('X'`), lower case, sorted.
 */
export function scriptCommands(sources: Iterable<string>): string[] {
  const found = new Set<string>();
  for (const lua of sources) for (const m of lua.matchAll(/(?:redis\.p?call|rapyer_push)\(\s*['"]([A-Za-z]+)['"]/g)) found.add(m[1]!.toLowerCase());
  return [...found].sort();
}

export function buildAll(): string {
  const files = listLua(luaDir).sort();
  const nameOf = (f: string) =>
    relative(luaDir, f)
      .replace(/\\/g, '/')
      .replace(/\.lua$/, '');
  const indexedFiles = files.filter((f) => INDEX_MARK.test(readFileSync(f, 'utf8')));
  const indexed = indexedFiles.map(nameOf);
  // every script, then the indexed variant of each script with an --@index line
  const variants: [string, string, boolean][] = [
    ...files.map((f) => [nameOf(f), f, false] as [string, string, boolean]),
    ...indexedFiles.map((f) => [`${nameOf(f)}${INDEXED_SUFFIX}`, f, true] as [string, string, boolean]),
  ];
  const built = new Map(variants.map(([name, f, ix]) => [name, buildScript(f, ix)]));
  const sources = new Map(variants.map(([name, f, ix]) => [name, indexWrap(readFileSync(f, 'utf8'), ix)] as const).filter(([, lua]) => !OPS_MARK.test(lua)));
  const entries = variants.map(([name]) => {
    const lua = withOps(built.get(name)!, sources);
    const sha = createHash('sha1').update(lua).digest('hex');
    return `  ${JSON.stringify(name)}: { lua: ${JSON.stringify(lua)}, sha: ${JSON.stringify(sha)} },`;
  });
  const commands = scriptCommands(built.values());
  return [
    '// Generated by scripts/build-lua.ts from lua/. Do not edit: edit lua/ and rebuild.',
    'export const LUA_SCRIPTS = {',
    ...entries,
    '} as const;',
    '',
    '/** Every Redis command the scripts run (what an ACL user of the library must be allowed). */',
    `export const SCRIPT_COMMANDS = ${JSON.stringify(commands)} as const;`,
    '',
    '/**',
    ` * The scripts that can change an indexed value: for a model with indexed fields the client runs`,
    ` * their variant \`\${name}${INDEXED_SUFFIX}\`, whose calls end with the index tail (lua/includes/index.lua).`,
    ' */',
    `export const INDEXED_SCRIPTS: ReadonlySet<string> = new Set(${JSON.stringify(indexed)});`,
    '',
  ].join('\n');
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const text = buildAll();
  if (process.argv.includes('--check')) {
    const current = existsSync(out) ? readFileSync(out, 'utf8') : '';
    if (current !== text) {
      console.error('src/runtime/lua-scripts.generated.ts is out of date: run npm run build:lua');
      process.exit(1);
    }
  } else {
    writeFileSync(out, text);
  }
}
