/** RedisSet: every method, membership by stored text, empty-set behaviour, groups, TTL rule 4. */
import { expect } from 'chai';
import { defineModel, field, ActionGroup, METHODS, RedisSet, KeyNotFound, ValidationError, CorruptedModelError } from '../src/index.js';
import { testClient } from './helpers/hooks.js';
import { expectReject } from './helpers/reject.js';

class S extends defineModel('SetT', {
  id: field.str({ key: true }),
  seen: field.set(field.int()),
  days: field.set(field.datetime()),
}) {}

const SEEN = 'SetT:{s1}:seen';

async function saved(seen: number[] = [1, 2, 3]): Promise<S> {
  const m = new S({ id: 's1', seen });
  await m.asave();
  return m;
}

const stored = async (key = SEEN) => (await testClient().smembers(key)).map((s) => JSON.parse(s) as number).sort((a, b) => a - b);
const local = (m: S) => [...m.seen].sort((a, b) => a - b);

describe('RedisSet', () => {
  describe('as a Set', () => {
    it('is a Set of the local members; takes arrays or Sets; drops duplicates', () => {
      const m = new S({ id: 's1', seen: [3, 1, 3] });
      expect(m.seen).to.be.instanceOf(RedisSet);
      expect(m.seen).to.be.instanceOf(Set);
      expect(m.seen.size).to.equal(2);
      expect(m.seen.has(3)).to.equal(true);
      expect(new S({ id: 's2', seen: new Set([5]) }).seen.has(5)).to.equal(true);
      expect(m.toJSON().seen).to.deep.equal([3, 1]);
      expect(() => new S({ id: 's3', seen: [1, 'x' as never] })).to.throw(ValidationError, /SetT field "seen\[1\]"/);
    });

    it('goes by stored text: two equal dates are one member', async () => {
      const m = new S({ id: 's1', days: [new Date(5), new Date(5), new Date(6)] });
      expect(m.days.size).to.equal(2);
      expect(m.days.has(new Date(5))).to.equal(true);
      m.days.add(new Date(6));
      expect(m.days.size).to.equal(2);
      expect(m.days.delete(new Date(5))).to.equal(true);
      expect(m.days.has(new Date(5))).to.equal(false);
      expect(m.days.has('nonsense' as never)).to.equal(false);
      await m.asave();
      await m.days.aadd(new Date(7));
      expect((await testClient().smembers('SetT:{s1}:days')).sort()).to.deep.equal(['6', '7']);
      expect(await m.days.acontains(new Date(7))).to.equal(true);
    });
  });

  describe('aadd / aremove', () => {
    it('aadd adds in Redis and locally; a present member is added once', async () => {
      const m = await saved();
      await m.seen.aadd(4);
      await m.seen.aadd(4);
      expect(await stored()).to.deep.equal([1, 2, 3, 4]);
      expect(local(m)).to.deep.equal([1, 2, 3, 4]);
    });

    it('aadd refuses a wrong member before sending anything', async () => {
      const m = await saved();
      await expectReject(m.seen.aadd(1.5), ValidationError, /SetT:\{s1\} field "seen\[0\]"/);
      expect(await stored()).to.deep.equal([1, 2, 3]);
    });

    it('aremove answers whether Redis had the member, and removes it locally', async () => {
      const m = await saved();
      expect(await m.seen.aremove(2)).to.equal(true);
      expect(await m.seen.aremove(2)).to.equal(false);
      expect(await stored()).to.deep.equal([1, 3]);
      expect(local(m)).to.deep.equal([1, 3]);
    });
  });

  describe('apop', () => {
    it('pops every member exactly once, then returns null', async () => {
      const m = await saved([1, 2, 3, 4, 5]);
      const popped: number[] = [];
      for (let i = 0; i < 5; i += 1) popped.push((await m.seen.apop())!);
      expect(popped.sort((a, b) => a - b)).to.deep.equal([1, 2, 3, 4, 5]);
      expect(m.seen.size).to.equal(0);
      expect(await m.seen.apop()).to.equal(null);
      expect(await testClient().exists(SEEN)).to.equal(0);
    });

    it('on an empty set returns null and the local copy follows (empty)', async () => {
      const m = await saved([]);
      m.seen.add(9);
      expect(await m.seen.apop()).to.equal(null);
      expect(m.seen.size).to.equal(0);
    });

    it('raises CorruptedModelError naming key and field for a stored member that does not validate', async () => {
      const m = await saved([]);
      await testClient().sadd(SEEN, '"x"');
      await expectReject(m.seen.apop(), CorruptedModelError, /SetT:\{s1\} field "seen/);
      await testClient().sadd(SEEN, '"x"');
      await expectReject(S.aget('s1'), CorruptedModelError, /field "seen/);
    });
  });

  describe('aclear / acontains / asize', () => {
    it('aclear empties Redis and the local copy', async () => {
      const m = await saved();
      await m.seen.aclear();
      expect(await testClient().exists(SEEN)).to.equal(0);
      expect(m.seen.size).to.equal(0);
    });

    it('acontains and asize read Redis, not the local copy', async () => {
      const m = await saved();
      m.seen.add(99);
      m.seen.delete(1);
      expect(await m.seen.acontains(99)).to.equal(false);
      expect(await m.seen.acontains(1)).to.equal(true);
      expect(await m.seen.acontains('x' as never)).to.equal(false);
      expect(await m.seen.asize()).to.equal(3);
      await m.seen.aclear();
      expect(await m.seen.asize()).to.equal(0);
    });
  });

  describe('sync methods change only the local copy', () => {
    it('add, delete and clear; add checks the member', async () => {
      const m = await saved();
      expect(m.seen.add(4)).to.equal(m.seen);
      expect(m.seen.delete(1)).to.equal(true);
      expect(m.seen.delete(100)).to.equal(false);
      expect(() => m.seen.add('x' as never)).to.throw(ValidationError);
      expect(local(m)).to.deep.equal([2, 3, 4]);
      expect(await stored()).to.deep.equal([1, 2, 3]);
      m.seen.clear();
      expect(m.seen.size).to.equal(0);
      expect(await stored()).to.deep.equal([1, 2, 3]);
    });

    it('persist with the field asave (replacing the stored set) and reload with aload', async () => {
      const m = await saved();
      m.seen.delete(1);
      m.seen.add(7);
      await m.seen.asave();
      expect(await stored()).to.deep.equal([2, 3, 7]);
      m.seen.clear();
      expect((await m.seen.aload()).sort()).to.deep.equal([2, 3, 7]);
      expect(local(m)).to.deep.equal([2, 3, 7]);
    });

    it('queue their scripts inside a pipeline', async () => {
      const m = await saved();
      await m.apipeline(async (p) => {
        p.seen.add(8);
        p.seen.delete(1);
      });
      expect(await stored()).to.deep.equal([2, 3, 8]);
      await m.apipeline(async (p) => {
        p.seen.clear();
      });
      expect(await testClient().exists(SEEN)).to.equal(0);
    });
  });

  describe('on a model that is not stored', () => {
    it('every async method throws KeyNotFound and creates no key', async () => {
      const m = new S({ id: 's1', seen: [1] });
      const ops: (() => Promise<unknown>)[] = [
        () => m.seen.aadd(2),
        () => m.seen.aremove(1),
        () => m.seen.apop(),
        () => m.seen.aclear(),
        () => m.seen.acontains(1),
        () => m.seen.asize(),
        () => m.seen.aload(),
        () => m.seen.asave(),
      ];
      for (const op of ops) await expectReject(op(), KeyNotFound, /SetT:\{s1\}/);
      expect(await testClient().keys('*')).to.deep.equal([]);
      expect(local(m)).to.deep.equal([1]);
    });
  });

  describe('action groups (RedisSet is not in action-groups.json)', () => {
    it('has the documented rows', () => {
      const { READ, UPDATE, APPEND, ERASE } = ActionGroup;
      expect(METHODS['RedisSet.aadd'].groups).to.equal(UPDATE | APPEND);
      expect(METHODS['RedisSet.add'].groups).to.equal(UPDATE | APPEND);
      expect(METHODS['RedisSet.aremove'].groups).to.equal(UPDATE | ERASE);
      expect(METHODS['RedisSet.delete'].groups).to.equal(UPDATE | ERASE);
      expect(METHODS['RedisSet.apop'].groups).to.equal(READ | UPDATE | ERASE);
      expect(METHODS['RedisSet.aclear'].groups).to.equal(UPDATE | ERASE);
      expect(METHODS['RedisSet.clear'].groups).to.equal(UPDATE | ERASE);
      expect(METHODS['RedisSet.acontains'].groups).to.equal(READ);
      expect(METHODS['RedisSet.asize'].groups).to.equal(READ);
    });

    it('a READ-only refresh mask refreshes on acontains and asize', async () => {
      class R extends defineModel('SetReadTtl', { id: field.str({ key: true }), seen: field.set(field.int()) }, { ttl: 100, refreshTtl: ActionGroup.READ }) {}
      const m = new R({ id: 'r1', seen: [1] });
      await m.asave();
      await testClient().pexpire('SetReadTtl:{r1}', 5000);
      await testClient().pexpire('SetReadTtl:{r1}:seen', 5000);
      await m.seen.aadd(2);
      expect(await testClient().pttl('SetReadTtl:{r1}')).to.be.at.most(5000);
      await m.seen.asize();
      expect(await testClient().pttl('SetReadTtl:{r1}')).to.be.above(90_000);
      expect(await testClient().pttl('SetReadTtl:{r1}:seen')).to.be.above(90_000);
    });
  });

  describe('TTL', () => {
    it("rule 4: a set emptied then added to again takes the main key's remaining TTL", async () => {
      class T extends defineModel('SetTtl', { id: field.str({ key: true }), seen: field.set(field.int()) }, { ttl: 100, refreshTtl: false }) {}
      const m = new T({ id: 't1', seen: [1] });
      await m.asave();
      await testClient().pexpire('SetTtl:{t1}', 30_000);
      await m.seen.apop();
      await m.seen.aadd(2);
      const main = await testClient().pttl('SetTtl:{t1}');
      const set = await testClient().pttl('SetTtl:{t1}:seen');
      expect(set).to.be.above(0);
      expect(Math.abs(main - set)).to.be.below(1000);
    });
  });
});
