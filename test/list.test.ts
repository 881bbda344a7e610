/** RedisList: every method, Python index rules, atomicity under concurrency, TTL rule 4. */
import { expect } from 'chai';
import { defineModel, field, ActionGroup, RedisList, KeyError, KeyNotFound, ValidationError, CorruptedModelError } from '../src/index.js';
import { testClient } from './helpers/hooks.js';
import { expectReject } from './helpers/reject.js';

class L extends defineModel('ListT', {
  id: field.str({ key: true }),
  tags: field.list(field.str()),
  nums: field.list(field.int()),
}) {}

const TAGS = 'ListT:{l1}:tags';
const NUMS = 'ListT:{l1}:nums';

async function saved(tags: string[] = ['a', 'b', 'c']): Promise<L> {
  const m = new L({ id: 'l1', tags });
  await m.asave();
  return m;
}

const stored = async (key = TAGS) => (await testClient().lrange(key, 0, -1)).map((s) => JSON.parse(s) as unknown);

describe('RedisList', () => {
  describe('as an Array', () => {
    it('is an Array with the local items; map/filter/slice give plain arrays', () => {
      const m = new L({ id: 'l1', tags: ['a', 'b'] });
      expect(m.tags).to.be.instanceOf(RedisList);
      expect(Array.isArray(m.tags)).to.equal(true);
      expect(m.tags[1]).to.equal('b');
      expect(m.tags.length).to.equal(2);
      const up = m.tags.map((t) => t.toUpperCase());
      expect(up).to.deep.equal(['A', 'B']);
      expect(up).not.to.be.instanceOf(RedisList);
      expect(m.tags.filter((t) => t === 'a')).not.to.be.instanceOf(RedisList);
      expect(JSON.stringify(m.tags)).to.equal('["a","b"]');
      expect(m.nums).to.deep.equal([]);
    });

    it('stores each item as the JSON text of a scalar of its kind', async () => {
      const m = new L({ id: 'l1', tags: ['x', 'with "quote"'], nums: [1, -20, 300] });
      await m.asave();
      expect(await testClient().lrange(TAGS, 0, -1)).to.deep.equal(['"x"', '"with \\"quote\\""']);
      expect(await testClient().lrange(NUMS, 0, -1)).to.deep.equal(['1', '-20', '300']);
    });
  });

  describe('aappend / aextend', () => {
    it('aappend pushes in Redis and locally', async () => {
      const m = await saved();
      await m.tags.aappend('d');
      expect(await stored()).to.deep.equal(['a', 'b', 'c', 'd']);
      expect([...m.tags]).to.deep.equal(['a', 'b', 'c', 'd']);
    });

    it('aextend pushes many in one script; an empty extend changes nothing', async () => {
      const m = await saved([]);
      await m.tags.aextend(['x', 'y']);
      await m.tags.aextend([]);
      expect(await stored()).to.deep.equal(['x', 'y']);
      expect([...m.tags]).to.deep.equal(['x', 'y']);
    });

    it('refuses a wrong item before sending anything', async () => {
      const m = await saved();
      await expectReject(m.tags.aappend(5 as never), ValidationError, /tags\[3\]/);
      await expectReject(m.tags.aextend(['ok', null as never]), ValidationError, /tags\[1\]/);
      expect(await stored()).to.deep.equal(['a', 'b', 'c']);
      expect([...m.tags]).to.deep.equal(['a', 'b', 'c']);
    });

    it('1,000 concurrent aappend calls leave exactly 1,000 new items', async () => {
      const m = await saved(['first']);
      await Promise.all(Array.from({ length: 1000 }, (_v, i) => m.nums.aappend(i)));
      const nums = (await stored(NUMS)) as number[];
      expect(nums).to.have.length(1000);
      expect([...nums].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 1000 }, (_v, i) => i));
      expect(await stored()).to.deep.equal(['first']);
    });
  });

  describe('ainsert', () => {
    const cases: [number, string[]][] = [
      [0, ['X', 'a', 'b', 'c']],
      [1, ['a', 'X', 'b', 'c']],
      [3, ['a', 'b', 'c', 'X']],
      [99, ['a', 'b', 'c', 'X']],
      [-1, ['a', 'b', 'X', 'c']],
      [-3, ['X', 'a', 'b', 'c']],
      [-99, ['X', 'a', 'b', 'c']],
    ];
    for (const [i, want] of cases) {
      it(`inserts before index ${i} as Python does`, async () => {
        const m = await saved();
        await m.tags.ainsert(i, 'X');
        expect(await stored()).to.deep.equal(want);
        expect([...m.tags]).to.deep.equal(want);
      });
    }

    it('inserts into an empty list, and keeps duplicates apart', async () => {
      const m = await saved([]);
      await m.tags.ainsert(-5, 'a');
      await m.tags.ainsert(1, 'a');
      await m.tags.ainsert(1, 'b');
      expect(await stored()).to.deep.equal(['a', 'b', 'a']);
      expect([...m.tags]).to.deep.equal(['a', 'b', 'a']);
    });

    it('refuses a non-integer index before sending anything', async () => {
      const m = await saved();
      await expectReject(m.tags.ainsert(1.5, 'X'), ValidationError, /index/);
      expect(await stored()).to.deep.equal(['a', 'b', 'c']);
    });
  });

  describe('apop', () => {
    const cases: [number | undefined, string, string[]][] = [
      [undefined, 'c', ['a', 'b']],
      [0, 'a', ['b', 'c']],
      [1, 'b', ['a', 'c']],
      [-1, 'c', ['a', 'b']],
      [-3, 'a', ['b', 'c']],
    ];
    for (const [i, item, rest] of cases) {
      it(`pops index ${i ?? '(default -1)'}`, async () => {
        const m = await saved();
        expect(i === undefined ? await m.tags.apop() : await m.tags.apop(i)).to.equal(item);
        expect(await stored()).to.deep.equal(rest);
        expect([...m.tags]).to.deep.equal(rest);
      });
    }

    it('returns null on an empty list, and the local copy follows (empty)', async () => {
      const m = await saved([]);
      m.tags.append('local only');
      expect(await m.tags.apop()).to.equal(null);
      expect(await m.tags.apop(5)).to.equal(null);
      expect([...m.tags]).to.deep.equal([]);
      expect(await testClient().exists(TAGS)).to.equal(0);
    });

    it('throws KeyError out of range of a non-empty list and changes nothing', async () => {
      const m = await saved();
      await expectReject(m.tags.apop(3), KeyError, /index 3 out of range/);
      await expectReject(m.tags.apop(-4), KeyError, /out of range/);
      expect(await stored()).to.deep.equal(['a', 'b', 'c']);
      expect([...m.tags]).to.deep.equal(['a', 'b', 'c']);
    });

    it('removes locally the item Redis returned, even when the local copy is stale', async () => {
      const m = await saved(['a', 'b', 'c']);
      const other = await L.aget('l1');
      await other.tags.ainsert(0, 'new');
      expect(await m.tags.apop(0)).to.equal('new');
      expect([...m.tags]).to.deep.equal(['a', 'b', 'c']);
      expect(await m.tags.apop(0)).to.equal('a');
      expect([...m.tags]).to.deep.equal(['b', 'c']);
    });

    it('1,000 concurrent apop calls on a 1,000-item list return every item exactly once', async () => {
      const m = new L({ id: 'l1', nums: Array.from({ length: 1000 }, (_v, i) => i) });
      await m.asave();
      const popped = await Promise.all(Array.from({ length: 1000 }, (_v, i) => m.nums.apop(i % 2 === 0 ? -1 : 0)));
      expect(popped.every((p) => typeof p === 'number')).to.equal(true);
      expect([...(popped as number[])].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 1000 }, (_v, i) => i));
      expect(await testClient().exists(NUMS)).to.equal(0);
      expect(await m.nums.apop()).to.equal(null);
    });

    it('raises CorruptedModelError naming key and field for a stored item that does not validate', async () => {
      const m = await saved();
      await testClient().rpush(TAGS, '42');
      await expectReject(m.tags.apop(), CorruptedModelError, /ListT:\{l1\} field "tags\[3\]"/);
    });
  });

  describe('aclear', () => {
    it('empties Redis and the local copy', async () => {
      const m = await saved();
      await m.tags.aclear();
      expect(await testClient().exists(TAGS)).to.equal(0);
      expect([...m.tags]).to.deep.equal([]);
      await m.tags.aclear();
    });
  });

  describe('sync methods change only the local copy', () => {
    it('setItem with Python indexes; KeyError out of range; ValidationError for a wrong item', async () => {
      const m = await saved();
      m.tags.setItem(0, 'A');
      m.tags.setItem(-1, 'C');
      expect([...m.tags]).to.deep.equal(['A', 'b', 'C']);
      expect(() => m.tags.setItem(3, 'x')).to.throw(KeyError, /index 3 out of range/);
      expect(() => m.tags.setItem(-4, 'x')).to.throw(KeyError);
      expect(() => m.tags.setItem(0, 1 as never)).to.throw(ValidationError, /tags\[0\]/);
      expect(() => m.tags.setItem(0.5, 'x')).to.throw(ValidationError);
      expect([...m.tags]).to.deep.equal(['A', 'b', 'C']);
      expect(await stored()).to.deep.equal(['a', 'b', 'c']);
    });

    it('append, extend, iadd, insert (clamped) and clear', async () => {
      const m = await saved();
      m.tags.append('d');
      m.tags.extend(['e']);
      expect(m.tags.iadd(['f', 'g'])).to.equal(m.tags);
      m.tags.insert(-100, 'first');
      m.tags.insert(100, 'last');
      m.tags.insert(-1, 'beforeLast');
      expect([...m.tags]).to.deep.equal(['first', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'beforeLast', 'last']);
      expect(() => m.tags.append(3 as never)).to.throw(ValidationError);
      expect(() => m.tags.extend(['ok', 3 as never])).to.throw(ValidationError);
      expect(m.tags.length).to.equal(10);
      expect(await stored()).to.deep.equal(['a', 'b', 'c']);
      m.tags.clear();
      expect([...m.tags]).to.deep.equal([]);
      expect(await stored()).to.deep.equal(['a', 'b', 'c']);
    });

    const ranges: [number | undefined, number | undefined, string[]][] = [
      [1, 3, ['a', 'd', 'e']],
      [0, undefined, []],
      [undefined, 2, ['c', 'd', 'e']],
      [-2, undefined, ['a', 'b', 'c']],
      [1, -1, ['a', 'e']],
      [3, 1, ['a', 'b', 'c', 'd', 'e']],
      [-100, 100, []],
      [5, 9, ['a', 'b', 'c', 'd', 'e']],
    ];
    for (const [start, end, want] of ranges) {
      it(`removeRange(${start}, ${end}) follows Python's del list[start:end]`, async () => {
        const m = await saved(['a', 'b', 'c', 'd', 'e']);
        m.tags.removeRange(start, end);
        expect([...m.tags]).to.deep.equal(want);
        expect(await stored()).to.deep.equal(['a', 'b', 'c', 'd', 'e']);
      });
    }

    it('persists with the field asave, which replaces the stored list', async () => {
      const m = await saved();
      m.tags.removeRange(0, 1);
      m.tags.append('z');
      await m.tags.asave();
      expect(await stored()).to.deep.equal(['b', 'c', 'z']);
    });
  });

  describe('inside a pipeline the sync methods queue their scripts', () => {
    it('applies setItem, insert, removeRange, append, extend, iadd and clear in Redis', async () => {
      const m = await saved(['a', 'b', 'c', 'd', 'e']);
      await m.apipeline(async (p) => {
        p.tags.setItem(-1, 'E');
        p.tags.removeRange(1, 3);
        p.tags.insert(1, 'i');
        p.tags.append('f');
        p.tags.extend(['g']);
        p.tags.iadd(['h']);
        p.nums.append(1);
        p.nums.clear();
      });
      expect(await stored()).to.deep.equal(['a', 'i', 'd', 'E', 'f', 'g', 'h']);
      expect([...m.tags]).to.deep.equal(['a', 'i', 'd', 'E', 'f', 'g', 'h']);
      expect(await testClient().exists(NUMS)).to.equal(0);
    });
  });

  describe('field aload / asave', () => {
    it('aload reloads the list alone and returns its items', async () => {
      const m = await saved();
      await testClient().rpush(TAGS, '"d"');
      m.tags.clear();
      expect(await m.tags.aload()).to.deep.equal(['a', 'b', 'c', 'd']);
      expect([...m.tags]).to.deep.equal(['a', 'b', 'c', 'd']);
    });
  });

  describe('on a model that is not stored', () => {
    it('every async method throws KeyNotFound and creates no key', async () => {
      const m = new L({ id: 'l1', tags: ['a'] });
      const ops: (() => Promise<unknown>)[] = [
        () => m.tags.aappend('x'),
        () => m.tags.aextend(['x']),
        () => m.tags.ainsert(0, 'x'),
        () => m.tags.apop(),
        () => m.tags.aclear(),
        () => m.tags.aload(),
        () => m.tags.asave(),
      ];
      for (const op of ops) await expectReject(op(), KeyNotFound, /ListT:\{l1\}/);
      expect(await testClient().keys('*')).to.deep.equal([]);
      expect([...m.tags]).to.deep.equal(['a']);
    });
  });

  describe('TTL', () => {
    class T extends defineModel('ListTtl', { id: field.str({ key: true }), tags: field.list(field.str()) }, { ttl: 100, refreshTtl: false }) {}
    class R extends defineModel(
      'ListTtlRefresh',
      { id: field.str({ key: true }), tags: field.list(field.str()) },
      { ttl: 100, refreshTtl: ActionGroup.APPEND },
    ) {}

    it("rule 4: a list emptied then pushed again (refreshTtl = false) takes the main key's remaining TTL", async () => {
      const m = new T({ id: 't1', tags: ['a'] });
      await m.asave();
      await testClient().pexpire('ListTtl:{t1}', 50_000);
      await testClient().pexpire('ListTtl:{t1}:tags', 50_000);
      expect(await m.tags.apop()).to.equal('a');
      expect(await testClient().exists('ListTtl:{t1}:tags')).to.equal(0);
      await m.tags.aappend('b');
      const main = await testClient().pttl('ListTtl:{t1}');
      const list = await testClient().pttl('ListTtl:{t1}:tags');
      expect(main).to.be.within(40_000, 50_000);
      expect(list).to.be.above(0);
      expect(Math.abs(main - list)).to.be.below(1000);
    });

    it('rule 4 for ainsert into an emptied list; rule 3: a push to an existing list keeps its TTL', async () => {
      const m = new T({ id: 't1', tags: ['a'] });
      await m.asave();
      await testClient().pexpire('ListTtl:{t1}', 60_000);
      await testClient().pexpire('ListTtl:{t1}:tags', 30_000);
      await m.tags.aappend('b');
      expect(await testClient().pttl('ListTtl:{t1}:tags')).to.be.within(20_000, 30_000);
      await m.tags.aclear();
      await m.tags.ainsert(0, 'c');
      expect(await testClient().pttl('ListTtl:{t1}:tags')).to.be.within(50_000, 60_000);
    });

    it('rule 1: an operation whose groups meet the mask sets the TTL of every key of the model', async () => {
      const m = new R({ id: 'r1', tags: ['a'] });
      await m.asave();
      await testClient().pexpire('ListTtlRefresh:{r1}', 5_000);
      await testClient().pexpire('ListTtlRefresh:{r1}:tags', 5_000);
      await m.tags.apop();
      expect(await testClient().pttl('ListTtlRefresh:{r1}')).to.be.below(5_001);
      await m.tags.aappend('b');
      expect(await testClient().pttl('ListTtlRefresh:{r1}')).to.be.above(90_000);
      expect(await testClient().pttl('ListTtlRefresh:{r1}:tags')).to.be.above(90_000);
    });
  });
});
