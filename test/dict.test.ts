/** RedisDict: every method, any string as a key, empty-dict behaviour, TTL rule 4. */
import { expect } from 'chai';
import { defineModel, field, RedisDict, KeyError, KeyNotFound, ValidationError, CorruptedModelError } from '../src/index.js';
import { testClient, allKeys } from './helpers/hooks.js';
import { expectReject } from './helpers/reject.js';

class D extends defineModel('DictT', {
  id: field.str({ key: true }),
  name: field.str({ default: 'n' }),
  attrs: field.dict(field.int()),
  tags: field.list(field.str()),
}) {}

const MAIN = 'DictT:{d1}';
const ATTRS = 'DictT:{d1}:attrs';

async function saved(attrs: Record<string, number> = { a: 1, b: 2 }): Promise<D> {
  const m = new D({ id: 'd1', attrs });
  await m.asave();
  return m;
}

async function stored(): Promise<Record<string, unknown>> {
  const h = await testClient().hgetall(ATTRS);
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k, JSON.parse(v) as unknown]));
}

describe('RedisDict', () => {
  describe('as a Map', () => {
    it('is a Map of the local items; takes plain objects or Maps; toJSON is a plain object', () => {
      const m = new D({ id: 'd1', attrs: { x: 1 } });
      expect(m.attrs).to.be.instanceOf(RedisDict);
      expect(m.attrs).to.be.instanceOf(Map);
      expect(m.attrs.get('x')).to.equal(1);
      expect(m.attrs.get('y')).to.equal(undefined);
      expect(new D({ id: 'd2', attrs: new Map([['y', 2]]) }).attrs.get('y')).to.equal(2);
      expect(m.toJSON().attrs).to.deep.equal({ x: 1 });
      expect(new D({ id: 'd3' }).attrs.size).to.equal(0);
    });

    it('set() checks the key and the value', () => {
      const m = new D({ id: 'd1' });
      expect(() => m.attrs.set('x', 'one' as never)).to.throw(ValidationError, /attrs\["x"\]/);
      expect(() => m.attrs.set(3 as never, 1)).to.throw(ValidationError, /dict key must be a string/);
      expect(() => new D({ id: 'd1', attrs: { x: 1.5 } })).to.throw(ValidationError, /DictT field "attrs\["x"\]"/);
      expect(() => new D({ id: 'd1', attrs: ['x'] as never })).to.throw(ValidationError, /Map or a plain object/);
      m.attrs.set('x', 4);
      expect(m.attrs.get('x')).to.equal(4);
    });
  });

  describe('any string is a valid key and reaches only its own hash field', () => {
    const odd = ['__proto__', '', '{d2}', '*', 'a:b', 'name', 'tags', 'DictT:{d1}', 'constructor', 'x y\n', 'ünï'];
    it('round-trips odd keys through asetItem, asave, aget and apop without touching any other key', async () => {
      const m = await saved({});
      for (const [i, k] of odd.entries()) await m.attrs.asetItem(k, i);
      expect((await allKeys('*')).sort()).to.deep.equal([MAIN, ATTRS].sort());
      expect(await testClient().hget(MAIN, 'name')).to.equal('"n"');
      const back = await D.aget('d1');
      expect([...back.attrs.entries()].sort()).to.deep.equal(odd.map((k, i) => [k, i] as [string, number]).sort());
      expect(Object.getPrototypeOf(back.attrs.toJSON())).to.equal(Object.prototype);
      expect(Object.hasOwn(back.attrs.toJSON(), '__proto__')).to.equal(true);
      expect(await back.attrs.apop('__proto__')).to.equal(0);
      expect(await back.attrs.apop('')).to.equal(1);
      await back.asave();
      expect(Object.keys(await stored()).sort()).to.deep.equal(odd.slice(2).sort());
    });

    it('takes __proto__ from a plain object input (an own key)', async () => {
      const input = JSON.parse('{"__proto__": 7, "b": 1}') as Record<string, number>;
      const m = new D({ id: 'd1', attrs: input });
      await m.asave();
      expect(await stored()).to.deep.equal(JSON.parse('{"__proto__": 7, "b": 1}'));
    });
  });

  describe('asetItem / adelItem / aupdate', () => {
    it('asetItem writes one key in Redis and locally', async () => {
      const m = await saved();
      await m.attrs.asetItem('c', 3);
      await m.attrs.asetItem('a', 10);
      expect(await stored()).to.deep.equal({ a: 10, b: 2, c: 3 });
      expect(m.attrs.get('c')).to.equal(3);
      await expectReject(m.attrs.asetItem('d', 'x' as never), ValidationError, /attrs\["d"\]/);
      expect(await stored()).to.deep.equal({ a: 10, b: 2, c: 3 });
    });

    it('adelItem deletes a key; a missing key is a KeyError and changes nothing', async () => {
      const m = await saved();
      await m.attrs.adelItem('a');
      expect(await stored()).to.deep.equal({ b: 2 });
      expect(m.attrs.has('a')).to.equal(false);
      await expectReject(m.attrs.adelItem('zz'), KeyError, /zz/);
      expect(await stored()).to.deep.equal({ b: 2 });
    });

    it('aupdate sets many keys from an object or a Map; refuses a bad value before sending', async () => {
      const m = await saved();
      await m.attrs.aupdate({ b: 20, c: 3 });
      await m.attrs.aupdate(new Map([['d', 4]]));
      await m.attrs.aupdate({});
      expect(await stored()).to.deep.equal({ a: 1, b: 20, c: 3, d: 4 });
      expect(Object.fromEntries(m.attrs)).to.deep.equal({ a: 1, b: 20, c: 3, d: 4 });
      await expectReject(m.attrs.aupdate({ e: 5, f: 'x' as never }), ValidationError, /attrs\["f"\]/);
      expect(await stored()).to.deep.equal({ a: 1, b: 20, c: 3, d: 4 });
    });
  });

  describe('apop / apopitem', () => {
    it('apop removes a key and returns its stored value', async () => {
      const m = await saved();
      expect(await m.attrs.apop('a')).to.equal(1);
      expect(await stored()).to.deep.equal({ b: 2 });
      expect(m.attrs.has('a')).to.equal(false);
    });

    it('apop of a missing key: KeyError without default, the default with one (undefined and null too)', async () => {
      const m = await saved();
      await expectReject(m.attrs.apop('zz'), KeyError, /zz/);
      expect(await m.attrs.apop('zz', -1)).to.equal(-1);
      expect(await m.attrs.apop('zz', null)).to.equal(null);
      expect(await m.attrs.apop('zz', undefined)).to.equal(undefined);
      expect(await stored()).to.deep.equal({ a: 1, b: 2 });
    });

    it('apop returns the stored value, not the stale local one', async () => {
      const m = await saved();
      await (await D.aget('d1')).attrs.asetItem('a', 100);
      expect(m.attrs.get('a')).to.equal(1);
      expect(await m.attrs.apop('a')).to.equal(100);
    });

    it('apopitem pops every item once (the oldest first for a small dict), then throws KeyError', async () => {
      const m = await saved({ a: 1, b: 2, c: 3 });
      const popped: [string, number][] = [];
      for (let i = 0; i < 3; i += 1) popped.push(await m.attrs.apopitem());
      expect(popped).to.deep.equal([
        ['a', 1],
        ['b', 2],
        ['c', 3],
      ]);
      expect(m.attrs.size).to.equal(0);
      expect(await testClient().exists(ATTRS)).to.equal(0);
      await expectReject(m.attrs.apopitem(), KeyError, /empty/);
    });

    it('apopitem on an empty dict throws KeyError and the local copy follows (empty)', async () => {
      const m = await saved({});
      m.attrs.set('local', 1);
      await expectReject(m.attrs.apopitem(), KeyError);
      expect(m.attrs.size).to.equal(0);
    });

    it('apopitem works on a large dict (a real hash table)', async () => {
      const big = Object.fromEntries(Array.from({ length: 300 }, (_v, i) => [`k${i}`, i]));
      const m = await saved(big);
      const [k, v] = await m.attrs.apopitem();
      expect(big[k]).to.equal(v);
      expect(await testClient().hlen(ATTRS)).to.equal(299);
      expect(m.attrs.has(k)).to.equal(false);
    });

    it('raises CorruptedModelError naming key and field for a stored value that does not validate', async () => {
      const m = await saved();
      await testClient().hset(ATTRS, 'bad', '"text"');
      await expectReject(m.attrs.apop('bad'), CorruptedModelError, /DictT:\{d1\} field "attrs\["bad"\]"/);
      await testClient().hset(ATTRS, 'bad', 'nope');
      await expectReject(D.aget('d1'), CorruptedModelError, /attrs\["bad"\]/);
    });
  });

  describe('aclear', () => {
    it('empties Redis and the local copy', async () => {
      const m = await saved();
      await m.attrs.aclear();
      expect(await testClient().exists(ATTRS)).to.equal(0);
      expect(m.attrs.size).to.equal(0);
    });
  });

  describe('sync methods change only the local copy', () => {
    it('setItem, update and clear', async () => {
      const m = await saved();
      m.attrs.setItem('c', 3);
      m.attrs.update({ a: 10 });
      m.attrs.update(new Map([['d', 4]]));
      expect(Object.fromEntries(m.attrs)).to.deep.equal({ a: 10, b: 2, c: 3, d: 4 });
      expect(() => m.attrs.setItem('x', null as never)).to.throw(ValidationError);
      expect(() => m.attrs.update({ y: 'no' as never })).to.throw(ValidationError);
      expect(m.attrs.has('y')).to.equal(false);
      expect(await stored()).to.deep.equal({ a: 1, b: 2 });
      m.attrs.clear();
      expect(m.attrs.size).to.equal(0);
      expect(await stored()).to.deep.equal({ a: 1, b: 2 });
    });

    it('persist with the field asave, which replaces the stored dict', async () => {
      const m = await saved();
      m.attrs.delete('a');
      m.attrs.setItem('z', 26);
      await m.attrs.asave();
      expect(await stored()).to.deep.equal({ b: 2, z: 26 });
      expect(await m.attrs.aload()).to.deep.equal({ b: 2, z: 26 });
    });

    it('queue their scripts inside a pipeline', async () => {
      const m = await saved();
      await m.apipeline(async (p) => {
        p.attrs.setItem('c', 3);
        p.attrs.update({ a: 10, d: 4 });
      });
      expect(await stored()).to.deep.equal({ a: 10, b: 2, c: 3, d: 4 });
      await m.apipeline(async (p) => {
        p.attrs.clear();
      });
      expect(await testClient().exists(ATTRS)).to.equal(0);
    });
  });

  describe('on a model that is not stored', () => {
    it('every async method throws KeyNotFound and creates no key', async () => {
      const m = new D({ id: 'd1', attrs: { a: 1 } });
      const ops: (() => Promise<unknown>)[] = [
        () => m.attrs.asetItem('x', 1),
        () => m.attrs.adelItem('a'),
        () => m.attrs.aupdate({ x: 1 }),
        () => m.attrs.apop('a'),
        () => m.attrs.apop('a', 0),
        () => m.attrs.apopitem(),
        () => m.attrs.aclear(),
        () => m.attrs.aload(),
        () => m.attrs.asave(),
      ];
      for (const op of ops) await expectReject(op(), KeyNotFound, /DictT:\{d1\}/);
      expect(await allKeys('*')).to.deep.equal([]);
      expect(Object.fromEntries(m.attrs)).to.deep.equal({ a: 1 });
    });
  });

  describe('TTL', () => {
    class T extends defineModel('DictTtl', { id: field.str({ key: true }), attrs: field.dict(field.str()) }, { ttl: 100, refreshTtl: false }) {}

    it("rule 4: a dict emptied then written again takes the main key's remaining TTL", async () => {
      const m = new T({ id: 't1', attrs: { a: 'x' } });
      await m.asave();
      await testClient().pexpire('DictTtl:{t1}', 40_000);
      await m.attrs.apopitem();
      expect(await testClient().exists('DictTtl:{t1}:attrs')).to.equal(0);
      await m.attrs.aupdate({ b: 'y' });
      const main = await testClient().pttl('DictTtl:{t1}');
      const dict = await testClient().pttl('DictTtl:{t1}:attrs');
      expect(dict).to.be.above(0);
      expect(Math.abs(main - dict)).to.be.below(1000);
      await m.attrs.aclear();
      await m.attrs.asetItem('c', 'z');
      expect(Math.abs((await testClient().pttl('DictTtl:{t1}:attrs')) - main)).to.be.below(1000);
    });
  });
});
