/**
 * The Lua scripts: SHA1 pinned to SCRIPT LOAD, the embedded module up to date with lua/, a
 * documented header on every script, keys only through KEYS, and the EVAL fallback after
 * SCRIPT FLUSH (exactly once).
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { defineModel, field } from '../src/index.js';
import { LUA_SCRIPTS } from '../src/runtime/lua-scripts.generated.js';
import { preloadScripts } from '../src/runtime/connection.js';
import { buildAll } from '../scripts/build-lua.js';
import { testClient, testServer, dbsizeAll, scriptFlushAll } from './helpers/hooks.js';
import { countCommands } from './helpers/server.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const luaDir = join(root, 'lua');
const generated = join(root, 'src', 'runtime', 'lua-scripts.generated.ts');

function luaFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return luaFiles(p);
    return e.name.endsWith('.lua') ? [p] : [];
  });
}

const all = luaFiles(luaDir);
const operations = all.filter((f) => !relative(luaDir, f).startsWith('includes'));

/** The arguments of each `redis.call(...)` / `redis.pcall(...)` in a Lua text, split at top-level commas. */
function redisCalls(text: string): string[][] {
  const calls: string[][] = [];
  const re = /redis\.p?call\(/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const args: string[] = [];
    let depth = 0;
    let cur = '';
    for (let i = re.lastIndex; i < text.length; i += 1) {
      const ch = text[i]!;
      if (depth === 0 && (ch === ',' || ch === ')')) {
        args.push(cur.trim());
        cur = '';
        if (ch === ')') break;
        continue;
      }
      if (ch === '(' || ch === '[' || ch === '{') depth += 1;
      if (ch === ')' || ch === ']' || ch === '}') depth -= 1;
      cur += ch;
    }
    calls.push(args);
  }
  return calls;
}

/** Commands whose first argument is not a key. */
const KEYLESS = new Set(['TIME', 'PING']);
/** Parameter names the includes' functions use for a key their callers take from KEYS. */
const KEY_PARAMS = new Set(['key', 'dst']);
/** The index scripts' names for keys of the index tail (lua/includes/index.lua) and of a bucket's KEYS. */
const INDEX_FILES = new Set(['includes/index.lua', 'includes/query.lua', 'query/run.lua']);
const INDEX_KEYS = new Set(['fd.key', 'b.vals', 'b.all', 'b.exp', 'r.key', 'main']);
/**
 * The one exception (README, Queries): a query or an expiry sweep reaches the models its index
 * names through rapyer_ix_main / rapyer_ix_coll, from the bucket's key (same hash tag).
 */
const DERIVED = /^rapyer_ix_(main|coll)\(/;

describe('lua scripts', () => {
  describe('SHA1', () => {
    it('pins each script to what SCRIPT LOAD answers', async () => {
      const names = Object.keys(LUA_SCRIPTS) as (keyof typeof LUA_SCRIPTS)[];
      expect(names.length).to.be.greaterThan(5);
      for (const name of names) {
        const { lua, sha } = LUA_SCRIPTS[name];
        expect(createHash('sha1').update(lua).digest('hex'), name).to.equal(sha);
        expect(await testClient().script('LOAD', lua), name).to.equal(sha);
      }
    });

    it('has one embedded script per operation file of lua/, and a +index variant of each with an --@index line', () => {
      const name = (f: string) =>
        relative(luaDir, f)
          .replace(/\\/g, '/')
          .replace(/\.lua$/, '');
      const indexed = operations.filter((f) => /^--@index( ttl)?$/m.test(readFileSync(f, 'utf8'))).map((f) => `${name(f)}+index`);
      expect(indexed.length).to.be.greaterThan(10);
      expect(Object.keys(LUA_SCRIPTS).sort()).to.deep.equal([...operations.map(name), ...indexed].sort());
    });

    it('embeds no @include line (every include is inlined)', () => {
      for (const [name, s] of Object.entries(LUA_SCRIPTS)) expect(s.lua, name).not.to.match(/^--@include/m);
    });
  });

  it('keeps the generated module up to date with lua/ (npm run build:lua)', () => {
    expect(readFileSync(generated, 'utf8')).to.equal(buildAll());
  });

  describe('sources', () => {
    it('gives every operation a header naming KEYS, ARGV, Reply, Errors, Groups', () => {
      for (const f of operations) {
        const header = /^--\[\[([\s\S]*?)\]\]/.exec(readFileSync(f, 'utf8'))?.[1];
        const name = relative(luaDir, f);
        expect(header, `${name} has no --[[ header ]]`).to.be.a('string');
        for (const part of [/^KEYS\b/m, /^ARGV\b/m, /^Reply\b/m, /^Errors\b/m, /^Groups\b/m]) {
          expect(header, `${name}: ${part}`).to.match(part);
        }
      }
    });

    it('passes every key through KEYS: the first key of each redis.call is KEYS[...] or bound from it', () => {
      const texts = all.map((f) => readFileSync(f, 'utf8'));
      // helpers such as `local function rapyer_target() return KEYS[...] end`
      const keyFns = new Set(texts.flatMap((t) => [...t.matchAll(/local function (\w+)\(\)\s+return KEYS\[[^\n]*\]\s+end/g)].map((m) => `${m[1]!}()`)));
      const isKeyExpr = (e: string) => !e.includes('..') && (/^KEYS\[.+\]$/.test(e) || keyFns.has(e));
      const bad: string[] = [];
      let seen = 0;
      all.forEach((f, n) => {
        const text = texts[n]!;
        const bound = new Set([...text.matchAll(/local (\w+) = ([^\n]+)/g)].filter((m) => isKeyExpr(m[2]!.trim())).map((m) => m[1]!));
        for (const [cmd, first] of redisCalls(text)) {
          seen += 1;
          if (KEYLESS.has(cmd!.replace(/^'|'$/g, '').toUpperCase())) continue;
          const index = INDEX_FILES.has(relative(luaDir, f)) && first !== undefined && (INDEX_KEYS.has(first) || DERIVED.test(first));
          const ok = first !== undefined && (index || isKeyExpr(first) || first === 'unpack(KEYS)' || bound.has(first) || KEY_PARAMS.has(first));
          if (!ok) bad.push(`${relative(luaDir, f)}: ${cmd} ${first}`);
        }
      });
      expect(seen).to.be.greaterThan(20);
      expect(bad).to.deep.equal([]);
    });

    it('never concatenates a string into a key argument', () => {
      for (const f of all) {
        for (const [, first] of redisCalls(readFileSync(f, 'utf8'))) {
          if (first !== undefined) expect(first, relative(luaDir, f)).not.to.include('..');
        }
      }
    });

    it('calls the TTL step in every script that includes it, after its writes', () => {
      for (const f of operations) {
        const text = readFileSync(f, 'utf8');
        const body = text.replace(/^--\[\[[\s\S]*?\]\]/, '');
        if (!/^--@include ttl$/m.test(text) || !/rapyer_refresh\(/.test(body)) continue;
        const lastWrite = Math.max(...['HSET', 'RPUSH', 'SADD', 'ZADD', 'rapyer_apply_payload'].map((w) => body.lastIndexOf(w)));
        expect(body.lastIndexOf('rapyer_refresh('), relative(luaDir, f)).to.be.greaterThan(lastWrite);
      }
    });
  });

  describe('after SCRIPT FLUSH', () => {
    const Counter = defineModel('ScriptsCounter', { n: field.int({ default: 0 }) }, { ttl: 100 });

    after(async () => {
      await preloadScripts(testClient());
    });

    it('an operation still works, through EVAL, and runs exactly once', async () => {
      const c = new Counter();
      await c.asave();
      await scriptFlushAll();
      const { commands } = await countCommands(testServer().url, () => c.n.aincrease(1));
      expect(commands).to.deep.equal(['evalsha', 'eval']);
      expect(c.n.value).to.equal(1);
      expect(await testClient().hget(c.key, 'n')).to.equal('1');
      expect(await c.n.aincrease(1)).to.equal(2); // EVAL loaded it: plain EVALSHA again
    });

    it('a pipelined operation (afind, ainsert) applies every call once', async () => {
      const models = [new Counter({ n: 1 }), new Counter({ n: 2 }), new Counter({ n: 3 })];
      await scriptFlushAll();
      await Counter.ainsert(...models);
      expect(await dbsizeAll()).to.equal(3);
      await scriptFlushAll();
      const found = await Counter.afind(...models.map((m) => m.key));
      expect(found.map((m) => m.n.value)).to.deep.equal([1, 2, 3]);
    });
  });
});
