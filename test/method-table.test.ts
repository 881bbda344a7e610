/**
 * The one method table (src/actions.ts) against shared/spec/action-groups.json, name by name
 * (README, API, §4 "Method names"), and the ActionGroup members.
 */
import { existsSync, readFileSync } from 'node:fs';
import { expect } from 'chai';
import { ActionGroup } from '../src/actions.js';
import { METHODS, type MethodRow } from '../src/ops/table.js';
import { LUA_SCRIPTS } from '../src/runtime/lua-scripts.generated.js';

/** The sources of action-groups.json whose methods are built so far. Later issues add theirs. */
const BUILT_SOURCES = [
  'AtomicRedisModel',
  'module',
  'BaseRedisType',
  'RedisInt',
  'RedisFloat',
  'RedisStr',
  'RedisBytes',
  'RedisDatetime',
  'RedisList',
  'RedisDict',
  'RedisPriorityQueue',
] as const;

/**
 * Rows of a source that the JSON knows but of a method the reference does not list, with the
 * mask they must have: the Array and Map mutators, with the mask of the method they behave as,
 * and reads of the reference's list API that its ActionGroup table does not list.
 */
const EXTRA_ROWS: Record<string, number> = {
  'RedisList.push': ActionGroup.UPDATE | ActionGroup.APPEND, // extend
  'RedisList.unshift': ActionGroup.UPDATE | ActionGroup.APPEND, // insert
  'RedisList.pop': ActionGroup.UPDATE | ActionGroup.ERASE, // removeRange
  'RedisList.shift': ActionGroup.UPDATE | ActionGroup.ERASE, // removeRange
  'RedisDict.set': ActionGroup.UPDATE, // setItem
  'RedisDict.delete': ActionGroup.UPDATE | ActionGroup.ERASE, // adelItem
  'RedisList.aget': ActionGroup.READ,
  'RedisList.aslice': ActionGroup.READ,
  // Get or create and the upsert form of aincrease (README, "Get or create, and counters that
  // come back"): the groups of the outcome that creates the model; storedGroups are checked below.
  'AtomicRedisModel.agetOrCreate': ActionGroup.CREATE,
  'module.agetOrCreate': ActionGroup.CREATE,
  'RedisInt.aincreaseUpsert': ActionGroup.CREATE | ActionGroup.UPDATE | ActionGroup.ARITHMETIC,
  'RedisFloat.aincreaseUpsert': ActionGroup.CREATE | ActionGroup.UPDATE | ActionGroup.ARITHMETIC,
  // The query forms (README, Queries), with the groups of the method they are the form of.
  'AtomicRedisModel.afindWhere': ActionGroup.READ | ActionGroup.FETCH, // afind
  'AtomicRedisModel.afindOneWhere': ActionGroup.READ | ActionGroup.FETCH, // afindOne
  'AtomicRedisModel.acountWhere': ActionGroup.READ,
  'AtomicRedisModel.adeleteWhere': ActionGroup.DELETE, // adeleteMany
  // areindex rebuilds indexes: no access to the models, so no group (it never refreshes a TTL).
  'AtomicRedisModel.areindex': 0,
  'AtomicRedisModel.areindexMove': 0,
};

/**
 * The groups, when they find the model stored, of the operations that may create it: those of
 * the method they then are (aget, aincrease).
 */
const STORED_GROUPS: Record<string, number> = {
  'AtomicRedisModel.agetOrCreate': ActionGroup.READ | ActionGroup.FETCH, // aget
  'module.agetOrCreate': ActionGroup.READ | ActionGroup.FETCH, // aget
  'RedisInt.aincreaseUpsert': ActionGroup.UPDATE | ActionGroup.ARITHMETIC, // aincrease
  'RedisFloat.aincreaseUpsert': ActionGroup.UPDATE | ActionGroup.ARITHMETIC, // aincrease
};

type GroupName = Exclude<keyof typeof ActionGroup, 'all'>;
type GroupsJson = Record<GroupName, Record<string, string[]>>;

/**
 * The reference table lives in shared/spec beside the repository (the developers' and CI's
 * layout). A clone elsewhere uses the copy in test/fixtures, which a test below keeps equal to
 * shared/spec whenever both are there. ACTION_GROUPS_JSON overrides both.
 */
const SHARED = new URL('../../shared/spec/action-groups.json', import.meta.url);
const FIXTURE = new URL('./fixtures/action-groups.json', import.meta.url);

function readGroups(): GroupsJson {
  const url = process.env.ACTION_GROUPS_JSON ?? (existsSync(SHARED) ? SHARED : FIXTURE);
  const parsed = JSON.parse(readFileSync(url, 'utf8')) as Record<string, unknown>;
  delete parsed._comment;
  return parsed as GroupsJson;
}

const DUNDER: Record<string, string> = {
  __iadd__: 'iadd',
  __isub__: 'isub',
  __imul__: 'imul',
  __itruediv__: 'itruediv',
  __ifloordiv__: 'ifloordiv',
  __imod__: 'imod',
  __ipow__: 'ipow',
  __setitem__: 'setItem',
};

/** README, API "Method names": Python name → TypeScript name. */
function tsName(py: string): string {
  if (DUNDER[py]) return DUNDER[py];
  if (py.startsWith('__')) throw new Error(`no TypeScript name for ${py}`);
  return py.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
}

/** 'Owner.method' → the OR of the groups the JSON gives it. */
function expectedMasks(json: GroupsJson): Map<string, number> {
  const out = new Map<string, number>();
  for (const [group, sources] of Object.entries(json) as [GroupName, Record<string, string[]>][]) {
    const bit = ActionGroup[group];
    expect(bit, `unknown group ${group} in the JSON`).to.be.a('number');
    for (const [source, methods] of Object.entries(sources)) {
      for (const py of methods) {
        const name = `${source}.${tsName(py)}`;
        out.set(name, (out.get(name) ?? 0) | bit);
      }
    }
  }
  return out;
}

const json = readGroups();
const expected = expectedMasks(json);
const jsonSources = new Set(Object.values(json).flatMap((sources) => Object.keys(sources)));
const rows = Object.entries(METHODS) as [string, MethodRow][];

function names(mask: number): string[] {
  return (Object.keys(ActionGroup) as (GroupName | 'all')[]).filter((k): k is GroupName => k !== 'all' && (mask & ActionGroup[k as GroupName]) !== 0);
}

describe('method table', () => {
  describe('name mapping', () => {
    it('maps the Python names of the reference to the TypeScript ones', () => {
      expect(tsName('__iadd__')).to.equal('iadd');
      expect(tsName('__setitem__')).to.equal('setItem');
      expect(tsName('afind_one')).to.equal('afindOne');
      expect(tsName('aset_ttl')).to.equal('asetTtl');
      expect(tsName('aduplicate_many')).to.equal('aduplicateMany');
      expect(tsName('adelete_by_key')).to.equal('adeleteByKey');
      expect(tsName('remove_range')).to.equal('removeRange');
      expect(tsName('apush_many')).to.equal('apushMany');
      expect(tsName('aget')).to.equal('aget');
    });

    it('knows every name of the JSON (no unmapped dunder)', () => {
      for (const sources of Object.values(json)) {
        for (const methods of Object.values(sources)) for (const py of methods) expect(() => tsName(py)).not.to.throw();
      }
    });
  });

  describe('against action-groups.json', () => {
    it('gives every row of a JSON source exactly the OR of its JSON groups', () => {
      const wrong: string[] = [];
      for (const [name, row] of rows) {
        const source = name.split('.')[0]!;
        if (!jsonSources.has(source)) continue;
        const want = expected.get(name) ?? EXTRA_ROWS[name];
        if (want === undefined) wrong.push(`${name}: not in action-groups.json`);
        else if (row.groups !== want) wrong.push(`${name}: table ${names(row.groups).join('|')}, JSON ${names(want).join('|')}`);
      }
      expect(wrong).to.deep.equal([]);
    });

    it('has a row for every JSON method of the built sources', () => {
      const missing = [...expected.keys()].filter((name) => {
        const source = name.split('.')[0]! as (typeof BUILT_SOURCES)[number];
        return BUILT_SOURCES.includes(source) && !(name in METHODS);
      });
      expect(missing).to.deep.equal([]);
    });

    it('builds every source of the JSON: every row, sync (__…__) methods included, is checked', () => {
      expect([...jsonSources].filter((src) => !(BUILT_SOURCES as readonly string[]).includes(src))).to.deep.equal([]);
    });

    it('lists built sources that exist in the JSON', () => {
      for (const s of BUILT_SOURCES) expect(jsonSources.has(s), s).to.equal(true);
    });

    it('never gives DELETE to rows of sources the JSON does not know', () => {
      const bad = rows.filter(([name, row]) => !jsonSources.has(name.split('.')[0]!) && (row.groups & ActionGroup.DELETE) !== 0);
      expect(bad.map(([n]) => n)).to.deep.equal([]);
    });

    it('gives every row a non-empty mask of known groups and an existing script', () => {
      for (const [name, row] of rows) {
        if (EXTRA_ROWS[name] !== 0) expect(row.groups, name).to.be.greaterThan(0);
        expect(row.groups & ~ActionGroup.all(), name).to.equal(0);
        if (row.script !== null) expect(Object.keys(LUA_SCRIPTS), name).to.include(row.script);
      }
    });

    it('gives storedGroups exactly to the operations that may create the model, those of the method they then are', () => {
      const got = Object.fromEntries(rows.filter(([, row]) => row.storedGroups !== undefined).map(([name, row]) => [name, row.storedGroups]));
      expect(got).to.deep.equal(STORED_GROUPS);
      expect(METHODS['AtomicRedisModel.agetOrCreate'].storedGroups).to.equal(METHODS['AtomicRedisModel.aget'].groups);
      expect(METHODS['RedisInt.aincreaseUpsert'].storedGroups).to.equal(METHODS['RedisInt.aincrease'].groups);
      expect(METHODS['RedisFloat.aincreaseUpsert'].storedGroups).to.equal(METHODS['RedisFloat.aincrease'].groups);
    });

    it('uses the same script for methods that differ only by owner or by groups', () => {
      expect(METHODS['AtomicRedisModel.aget'].script).to.equal(METHODS['module.aget'].script);
      expect(METHODS['AtomicRedisModel.adelete'].script).to.equal(METHODS['module.adeleteMany'].script);
      expect(METHODS['RedisInt.aincrease'].groups & ActionGroup.ARITHMETIC).to.equal(ActionGroup.ARITHMETIC);
    });
  });

  describe('ActionGroup', () => {
    it('has the values of the reference', () => {
      expect(ActionGroup.READ).to.equal(1);
      expect(ActionGroup.FETCH).to.equal(2);
      expect(ActionGroup.CREATE).to.equal(4);
      expect(ActionGroup.UPDATE).to.equal(8);
      expect(ActionGroup.APPEND).to.equal(16);
      expect(ActionGroup.DELETE).to.equal(32);
      expect(ActionGroup.ERASE).to.equal(64);
      expect(ActionGroup.ARITHMETIC).to.equal(128);
    });

    it('names exactly the groups of the JSON', () => {
      const members = Object.keys(ActionGroup)
        .filter((k) => k !== 'all')
        .sort();
      expect(members).to.deep.equal(Object.keys(json).sort());
    });

    it('all() is every member; all({ forTtl: true }) is every member but DELETE', () => {
      expect(ActionGroup.all()).to.equal(255);
      expect(ActionGroup.all({ forTtl: false })).to.equal(255);
      expect(ActionGroup.all({ forTtl: true })).to.equal(255 & ~ActionGroup.DELETE);
      expect(ActionGroup.all({ forTtl: true }) & ActionGroup.DELETE).to.equal(0);
    });

    it('the fixture copy of action-groups.json equals shared/spec (or, alone, holds every group)', () => {
      const fixture = readFileSync(FIXTURE, 'utf8');
      if (existsSync(SHARED)) expect(fixture).to.equal(readFileSync(SHARED, 'utf8'));
      else
        expect(Object.keys(JSON.parse(fixture) as object)).to.include.members(['READ', 'FETCH', 'CREATE', 'UPDATE', 'APPEND', 'DELETE', 'ERASE', 'ARITHMETIC']);
    });

    it('combines with | and tests with &', () => {
      const mask = ActionGroup.UPDATE | ActionGroup.APPEND;
      expect(mask & ActionGroup.APPEND).to.not.equal(0);
      expect(mask & ActionGroup.READ).to.equal(0);
    });
  });
});
