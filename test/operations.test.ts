/**
 * The operation descriptors (src/ops/table.ts) against what they describe: each Lua file's
 * header `Groups` line, the scripts the pipeline batch carries, the command list users give an
 * ACL user (README), and the rules that derive pipeline behaviour and retries from the groups.
 * Adding an operation takes its Lua file, its descriptor, its method and its tests: these checks
 * fail when the first two disagree.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { ActionGroup } from '../src/actions.js';
import { OPERATIONS, queuedScripts } from '../src/ops/table.js';
import { INDEXED_SCRIPTS, LUA_SCRIPTS, SCRIPT_COMMANDS } from '../src/runtime/lua-scripts.generated.js';
import { CLIENT_COMMANDS, CLUSTER_COMMANDS } from './helpers/acl.js';

const LUA = fileURLToPath(new URL('../lua', import.meta.url));
const ops = Object.values(OPERATIONS);
const GROUP_NAMES = (Object.keys(ActionGroup) as (keyof typeof ActionGroup)[]).filter((k) => k !== 'all');

function luaFiles(dir = LUA): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'includes' ? [] : luaFiles(p);
    return e.name.endsWith('.lua') ? [p] : [];
  });
}

/** The `Groups` entry of a Lua header, continuation lines joined. */
function groupsLine(source: string): string {
  const m = /^Groups {2,}(.*(?:\n {13}.*)*)$/m.exec(source);
  if (!m) throw new Error('no Groups line');
  return m[1]!.replace(/\n {13}/g, ' ').trim();
}

/**
 * `A.m, B.n: UPDATE|APPEND; C.o: READ` → method → mask (as a string). An operation whose groups
 * depend on its outcome names both: `D.p: created CREATE, stored READ|FETCH` → `4/3` (its
 * descriptor's groups, then its storedGroups).
 */
function parseGroups(line: string): Map<string, string> {
  const out = new Map<string, string>();
  const mask = (groups: string) =>
    // 'none': an operation that is no access to the model (areindex) and never refreshes
    (groups === 'none' ? [] : groups.split('|')).reduce((m, g) => {
      expect(GROUP_NAMES, `unknown group ${g} in "${line}"`).to.include(g);
      return m | (ActionGroup[g as (typeof GROUP_NAMES)[number]] as number);
    }, 0);
  for (const part of line.split(';')) {
    const [names, groups] = part.split(':').map((s) => s.trim());
    const outcomes = /^created (\S+), stored (\S+)$/.exec(groups!);
    const value = outcomes ? `${mask(outcomes[1]!)}/${mask(outcomes[2]!)}` : String(mask(groups!));
    for (const n of names!.split(',')) out.set(n.trim(), value);
  }
  return out;
}

/** A descriptor's groups as parseGroups gives them. */
const groupsOf = (o: (typeof ops)[number]) => (o.storedGroups === undefined ? String(o.groups) : `${o.groups}/${o.storedGroups}`);

describe('operations: the descriptors against what they describe', () => {
  const scripts = new Map(
    luaFiles().map((f) => [
      relative(LUA, f)
        .replace(/\\/g, '/')
        .replace(/\.lua$/, ''),
      readFileSync(f, 'utf8'),
    ]),
  );

  it("each Lua header's Groups line names exactly the operations that run the script, with their groups", () => {
    const wrong: string[] = [];
    for (const [name, source] of scripts) {
      const users = ops.filter((o) => o.script === name);
      if (users.length === 0) continue;
      const want = new Map(users.map((o) => [o.name, groupsOf(o)]));
      const got = parseGroups(groupsLine(source));
      const show = (m: Map<string, string>) => JSON.stringify([...m].sort());
      if (show(got) !== show(want)) wrong.push(`lua/${name}.lua: header says ${show(got)}, descriptors say ${show(want)}`);
    }
    expect(wrong).to.deep.equal([]);
  });

  it('a script no operation runs (locks, the batch) names no operation in its Groups line', () => {
    const unused = [...scripts.keys()].filter((name) => !ops.some((o) => o.script === name));
    expect(unused.sort()).to.deep.equal(['lock/acquire', 'lock/extend', 'lock/release', 'lock/save', 'pipeline/batch', 'pipeline/scalars'].sort());
    for (const name of unused) expect(groupsLine(scripts.get(name)!), name).to.not.match(/\w\.\w+\s*:/);
  });

  it('every descriptor names a built script', () => {
    for (const o of ops) expect(LUA_SCRIPTS, o.name).to.have.property(o.script);
  });

  it('the pipeline batch carries exactly the scripts of the operations that queue', () => {
    const carried = [...LUA_SCRIPTS['pipeline/batch'].lua.matchAll(/^(?:if|elseif) name == "([^"]+)" then$/gm)].map((m) => m[1]);
    const withVariants = queuedScripts().flatMap((n) => (INDEXED_SCRIPTS.has(n) ? [n, `${n}+index`] : [n]));
    expect(carried.sort()).to.deep.equal(withVariants.sort());
    expect(LUA_SCRIPTS['pipeline/batch'].lua.split('--@ops')[0]).to.not.include('OPS["model/load"]');
  });

  it('reads run at once in a pipeline and may be resent; writes queue unless they answer from stored state', () => {
    const WRITES = ActionGroup.all() & ~(ActionGroup.READ | ActionGroup.FETCH);
    for (const o of ops) {
      const writes = (o.groups & WRITES) !== 0;
      if (!writes) expect([o.name, o.pipeline, o.idempotent]).to.deep.equal([o.name, 'now', true]);
      else expect(o.idempotent, o.name).to.equal(o.name === 'AtomicRedisModel.asetTtl');
    }
    const nowWrites = ops.filter((o) => (o.groups & WRITES) !== 0 && o.pipeline === 'now').map((o) => o.name);
    expect(nowWrites.sort()).to.deep.equal(
      [
        'AtomicRedisModel.adeleteWhere',
        'AtomicRedisModel.aduplicate',
        'AtomicRedisModel.aduplicateMany',
        'AtomicRedisModel.agetOrCreate',
        'module.agetOrCreate',
        'RedisDict.apop',
        'RedisDict.apopitem',
        'RedisList.apop',
        'RedisPriorityQueue.apop',
        'RedisPriorityQueue.aremove',
        'RedisSet.apop',
        'RedisSet.aremove',
        'RedisSet.aunionUpdate',
        'RedisSet.aintersectUpdate',
        'RedisSet.adifferenceUpdate',
      ].sort(),
    );
  });

  it("the README's ACL command lists are the client's commands and the commands the scripts run", () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const acl = readme.slice(readme.indexOf('**ACLs.**'));
    const spans = [...acl.slice(0, acl.indexOf('\n- ')).matchAll(/`([^`]+)`/g)].map((m) => m[1]!.split(/\s+/).sort());
    expect(spans[0], 'client commands').to.deep.equal([...CLIENT_COMMANDS].sort());
    expect(spans[1], 'Cluster commands').to.deep.equal([...CLUSTER_COMMANDS].sort());
    expect(spans[2], 'script commands').to.deep.equal([...SCRIPT_COMMANDS].sort());
  });
});
