/**
 * README, TTL rules, the TTL rules, one describe per rule. A refresh is observed by lowering the TTL
 * first (PEXPIRE 5000) and checking that PTTL jumped back near Meta.ttl.
 */
import { expect } from 'chai';
import { ActionGroup, defineModel, field, KeyNotFound } from '../src/index.js';
import { LUA_SCRIPTS } from '../src/runtime/lua-scripts.generated.js';
import { testClient } from './helpers/hooks.js';

const { READ, FETCH, UPDATE } = ActionGroup;
const shape = () => ({ name: field.str({ default: '' }), n: field.int({ default: 0 }), x: field.float({ default: 0 }) });

const TtlUpd = defineModel('TtlUpd', shape(), { ttl: 100, refreshTtl: UPDATE });
const TtlRead = defineModel('TtlRead', shape(), { ttl: 100, refreshTtl: READ });
const TtlFetch = defineModel('TtlFetch', shape(), { ttl: 100, refreshTtl: FETCH });
const TtlFalse = defineModel('TtlFalse', shape(), { ttl: 100, refreshTtl: false });
const TtlAll = defineModel('TtlAll', shape(), { ttl: 100, refreshTtl: true });
const TtlNone = defineModel('TtlNone', shape(), { ttl: null, refreshTtl: true });

const pttl = (key: string) => testClient().pttl(key);

/** Saves a model and lowers its TTL to 5 s, so that a refresh is visible. */
async function stored<M extends { asave(): Promise<unknown>; key: string }>(m: M): Promise<M> {
  await m.asave();
  await testClient().pexpire(m.key, 5000);
  return m;
}

async function expectRefreshed(key: string, ttlSeconds = 100): Promise<void> {
  const ms = await pttl(key);
  expect(ms, `${key} PTTL`).to.be.within(ttlSeconds * 1000 - 10000, ttlSeconds * 1000);
}

async function expectUntouched(key: string): Promise<void> {
  expect(await pttl(key), `${key} PTTL`).to.be.within(1, 5000);
}

async function rejects(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

describe('TTL rules', () => {
  describe('rule 1: groups meeting the mask reset the TTL of every key; others leave it', () => {
    it('refreshes on aupdate, aincrease and a field asave when the mask has UPDATE', async () => {
      const m = await stored(new TtlUpd());
      await m.aupdate({ name: 'a' });
      await expectRefreshed(m.key);
      await testClient().pexpire(m.key, 5000);
      await m.n.aincrease(2);
      await expectRefreshed(m.key);
      await testClient().pexpire(m.key, 5000);
      m.name.value = 'b';
      await m.name.asave();
      await expectRefreshed(m.key);
      expect(await testClient().hgetall(m.key)).to.include({ name: '"b"', n: '2' });
    });

    it('leaves the TTL alone when the groups miss the mask (READ mask, writes)', async () => {
      const m = await stored(new TtlRead());
      await m.aupdate({ name: 'a' });
      await m.n.aincrease(2);
      await m.x.aincrease(0.5);
      m.name.value = 'b';
      await m.name.asave();
      await expectUntouched(m.key);
      expect(await testClient().hgetall(m.key)).to.include({ name: '"b"', n: '2', x: '0.5' });
    });

    it('leaves the TTL alone when an UPDATE mask meets a read', async () => {
      const m = await stored(new TtlUpd());
      await TtlUpd.aget(m.pk);
      await m.aload();
      await expectUntouched(m.key);
    });

    it('sets no TTL when Meta.ttl is null, whatever the mask', async () => {
      const m = new TtlNone();
      await m.asave();
      expect(await pttl(m.key)).to.equal(-1);
      await m.aupdate({ name: 'z' });
      await m.n.aincrease();
      await TtlNone.aget(m.pk);
      await TtlNone.aexists(m.key);
      await TtlNone.ainsert(new TtlNone());
      const [copy] = await m.aduplicateMany(1);
      expect(await pttl(m.key)).to.equal(-1);
      expect(await pttl(copy!.key)).to.equal(-1);
      for (const k of await testClient().keys('TtlNone:*')) expect(await pttl(k), k).to.equal(-1);
    });
  });

  describe('rule 2: CREATE sets the TTL even when the mask excludes it', () => {
    it('asave of a new model sets the TTL with refreshTtl = false', async () => {
      const m = new TtlFalse();
      await m.asave();
      await expectRefreshed(m.key);
    });

    it('asave of a new model sets the TTL with a READ mask', async () => {
      const m = new TtlRead();
      await m.asave();
      await expectRefreshed(m.key);
    });

    it('ainsert and aduplicate give the new models the TTL; the source keeps its own', async () => {
      const [a, b] = await TtlFalse.ainsert(new TtlFalse(), new TtlFalse());
      await expectRefreshed(a!.key);
      await expectRefreshed(b!.key);
      await testClient().pexpire(a!.key, 5000);
      const copy = await a!.aduplicate();
      await expectRefreshed(copy.key);
      await expectUntouched(a!.key);
    });
  });

  describe('rule 3: an operation that does not refresh keeps the remaining TTL', () => {
    it('asave over an existing model keeps its remaining TTL with refreshTtl = READ', async () => {
      const m = await stored(new TtlRead({ name: 'old' }));
      m.name.value = 'new';
      await m.asave();
      await expectUntouched(m.key);
      expect(await testClient().hget(m.key, 'name')).to.equal('"new"');
    });

    it('asave over an existing model keeps its remaining TTL with refreshTtl = false', async () => {
      const m = await stored(new TtlFalse());
      m.n.value = 7;
      await m.asave();
      await expectUntouched(m.key);
      expect(await testClient().hget(m.key, 'n')).to.equal('7');
    });

    it('ainsert over an existing model (CREATE) keeps it when the mask is UPDATE only', async () => {
      const m = await stored(new TtlUpd());
      await TtlUpd.ainsert(m);
      await expectUntouched(m.key);
    });

    it('asave over an existing model refreshes when the mask meets CREATE|UPDATE', async () => {
      const m = await stored(new TtlUpd());
      await m.asave();
      await expectRefreshed(m.key);
    });
  });

  describe('rule 5: DELETE never refreshes; asetTtl sets exactly what it is given', () => {
    it('adelete removes every key and recreates nothing', async () => {
      const m = await stored(new TtlAll());
      expect(await m.adelete()).to.equal(true);
      expect(await m.adelete()).to.equal(false);
      expect(await TtlAll.adeleteByKey(m.pk)).to.equal(false);
      expect(await TtlAll.adeleteMany(m.key, m)).to.deep.equal({ modelsDeleted: 0, keysDeleted: 0 });
      expect(await testClient().dbsize()).to.equal(0);
    });

    it('asetTtl sets exactly that TTL even though its UPDATE group meets the mask', async () => {
      const m = await stored(new TtlAll());
      await m.asetTtl(3);
      expect(await pttl(m.key)).to.be.within(2000, 3000);
      await m.asetTtl(1000);
      expect(await pttl(m.key)).to.be.within(990000, 1000000);
      await m.asetTtl(1.5);
      expect(await pttl(m.key)).to.be.within(500, 1500);
    });

    it('asetTtl(null) removes the TTL; asetTtl works on a model without Meta.ttl', async () => {
      const m = await stored(new TtlAll());
      await m.asetTtl(null);
      expect(await pttl(m.key)).to.equal(-1);
      const n = new TtlNone();
      await n.asave();
      await n.asetTtl(4);
      expect(await pttl(n.key)).to.be.within(3000, 4000);
    });
  });

  describe('rule 6: a field operation on a missing model throws KeyNotFound and writes nothing', () => {
    const cases: [string, (m: InstanceType<typeof TtlAll>) => Promise<unknown>][] = [
      ['int aincrease', (m) => m.n.aincrease(1)],
      ['float aincrease', (m) => m.x.aincrease(1.5)],
      ['field asave', (m) => m.name.asave()],
      ['field aload', (m) => m.name.aload()],
      ['aupdate', (m) => m.aupdate({ name: 'x' })],
      ['asetTtl', (m) => m.asetTtl(10)],
      ['aload', (m) => m.aload()],
      ['aduplicate', (m) => m.aduplicate()],
    ];
    for (const [name, op] of cases) {
      it(name, async () => {
        const m = new TtlAll({ name: 'never saved' });
        const err = await rejects(op(m));
        expect(err).to.be.instanceOf(KeyNotFound);
        expect((err as Error).message).to.include(m.key);
        expect(await testClient().dbsize()).to.equal(0);
      });
    }

    it('after adelete too', async () => {
      const m = await stored(new TtlAll());
      await m.adelete();
      expect(await rejects(m.n.aincrease(1))).to.be.instanceOf(KeyNotFound);
      expect(await testClient().exists(m.key)).to.equal(0);
    });
  });

  describe('rule 7: reads refresh when READ or FETCH meets the mask', () => {
    it('aget, afind, afindOne, aload, field aload, aexists, afindKeys refresh with a READ mask', async () => {
      const m = await stored(new TtlRead());
      const reads: [string, () => Promise<unknown>][] = [
        ['aget', () => TtlRead.aget(m.pk)],
        ['afind', () => TtlRead.afind(m.key)],
        ['afind()', () => TtlRead.afind()],
        ['afindOne', () => TtlRead.afindOne(m.key)],
        ['aload', () => m.aload()],
        ['field aload', () => m.n.aload()],
        ['aexists', () => TtlRead.aexists(m)],
        ['afindKeys', () => TtlRead.afindKeys()],
      ];
      for (const [name, read] of reads) {
        await testClient().pexpire(m.key, 5000);
        await read();
        expect(await pttl(m.key), name).to.be.within(90000, 100000);
      }
    });

    it('with a FETCH mask, aget refreshes but the READ-only aexists, aload, afindKeys do not', async () => {
      const m = await stored(new TtlFetch());
      await TtlFetch.aexists(m.key);
      await m.aload();
      await m.n.aload();
      expect(await TtlFetch.afindKeys()).to.deep.equal([m.key]);
      await expectUntouched(m.key);
      await TtlFetch.aget(m.pk);
      await expectRefreshed(m.key);
    });

    it('with an UPDATE mask, no read refreshes', async () => {
      const m = await stored(new TtlUpd());
      await TtlUpd.aget(m.pk);
      await TtlUpd.afind();
      await TtlUpd.aexists(m.key);
      await TtlUpd.afindKeys();
      await expectUntouched(m.key);
    });
  });

  describe('rule 8: the mask travels to Redis; a Meta change applies to the next operation', () => {
    const TtlDynA = defineModel('TtlDynA', shape(), { ttl: 100, refreshTtl: UPDATE });
    const TtlDynB = defineModel('TtlDynB', shape(), { ttl: 100, refreshTtl: UPDATE });
    afterEach(() => {
      TtlDynA.Meta.refreshTtl = UPDATE;
      TtlDynA.Meta.ttl = 100;
    });

    it('a new refreshTtl applies without redefinition', async () => {
      const m = await stored(new TtlDynA());
      await TtlDynA.aget(m.pk);
      await expectUntouched(m.key);
      TtlDynA.Meta.refreshTtl = READ;
      await TtlDynA.aget(m.pk);
      await expectRefreshed(m.key);
      TtlDynA.Meta.refreshTtl = false;
      await testClient().pexpire(m.key, 5000);
      await m.aupdate({ n: 1 });
      await expectUntouched(m.key);
      TtlDynA.Meta.refreshTtl = true;
      await m.aupdate({ n: 2 });
      await expectRefreshed(m.key);
    });

    it('a new Meta.ttl applies to the next refresh', async () => {
      const m = await stored(new TtlDynA());
      TtlDynA.Meta.ttl = 50;
      await m.aupdate({ n: 1 });
      await expectRefreshed(m.key, 50);
    });

    it("one model's Meta is independent of another's", async () => {
      expect(TtlDynA.Meta).not.to.equal(TtlDynB.Meta);
      TtlDynA.Meta.refreshTtl = READ;
      TtlDynA.Meta.ttl = 50;
      expect(TtlDynB.Meta.refreshTtl).to.equal(UPDATE);
      expect(TtlDynB.Meta.ttl).to.equal(100);
      const b = await stored(new TtlDynB());
      await TtlDynB.aget(b.pk);
      await expectUntouched(b.key);
      await b.aupdate({ n: 1 });
      await expectRefreshed(b.key, 100);
    });

    it('the script decides from its ARGV mask (same script, same key, two masks)', async () => {
      const m = await stored(new TtlDynA());
      const { sha } = LUA_SCRIPTS['model/exists'];
      expect(await testClient().evalsha(sha, 1, m.key, String(READ), String(UPDATE), '100000')).to.equal(1);
      await expectUntouched(m.key);
      expect(await testClient().evalsha(sha, 1, m.key, String(READ), String(READ | UPDATE), '100000')).to.equal(1);
      await expectRefreshed(m.key);
    });
  });
});
