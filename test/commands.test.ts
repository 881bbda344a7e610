/**
 * One command per operation: each foundation operation sends exactly one
 * EVALSHA to Redis, its TTL refresh included (MONITOR counts what clients send, not what
 * scripts run). Bulk operations send one EVALSHA per model, all in one pipeline.
 */
import { expect } from 'chai';
import * as rapyer from '../src/index.js';
import { defineModel, field } from '../src/index.js';
import { preloadScripts } from '../src/runtime/connection.js';
import { testClient, testServer, dbsizeAll, testMasters } from './helpers/hooks.js';
import { countCommands } from './helpers/server.js';

const CmdAddr = defineModel('CmdAddr', { city: field.str({ default: 'Paris' }) });
const CmdModel = defineModel(
  'CmdModel',
  {
    name: field.str({ default: 'a' }),
    n: field.int({ default: 0 }),
    x: field.float({ default: 0 }),
    address: field.model(CmdAddr),
  },
  { ttl: 100, refreshTtl: true },
);

type Cmd = InstanceType<typeof CmdModel>;

const count = (fn: () => Promise<unknown>) => countCommands(testServer().url, fn);

/** A stored model whose TTL was lowered to 5 s, so that a refresh is visible. */
async function stored(values: { n?: number } = {}): Promise<Cmd> {
  const m = new CmdModel({ address: {}, ...values });
  await m.asave();
  await testClient().pexpire(m.key, 5000);
  return m;
}

async function expectRefreshed(key: string): Promise<void> {
  expect(await testClient().pttl(key), key).to.be.within(90000, 100000);
}

async function expectOne(fn: () => Promise<unknown>): Promise<void> {
  const { commands } = await count(fn);
  expect(commands).to.deep.equal(['evalsha']);
}

describe('one command per operation', () => {
  before(async () => {
    await preloadScripts(testClient()); // whatever another file flushed, EVALSHA finds its script
  });

  describe('instance operations', () => {
    it('asave of a new model: one EVALSHA, TTL set', async () => {
      const m = new CmdModel({ address: {} });
      await expectOne(() => m.asave());
      await expectRefreshed(m.key);
    });

    it('asave over a stored model: one EVALSHA, TTL refreshed', async () => {
      const m = await stored();
      await expectOne(() => m.asave());
      await expectRefreshed(m.key);
    });

    it('aload', async () => {
      const m = await stored();
      await expectOne(() => m.aload());
      await expectRefreshed(m.key);
    });

    it('aupdate', async () => {
      const m = await stored();
      await expectOne(() => m.aupdate({ name: 'b', address: { city: 'Lyon' } }));
      await expectRefreshed(m.key);
      expect(await testClient().hget(m.key, 'address.city')).to.equal('"Lyon"');
    });

    it('asetTtl', async () => {
      const m = await stored();
      await expectOne(() => m.asetTtl(50));
      expect(await testClient().pttl(m.key)).to.be.within(40000, 50000);
    });

    it('aduplicate and aduplicateMany(3): one EVALSHA, every copy has the TTL', async () => {
      const m = await stored();
      let copies: Cmd[] = [];
      await expectOne(async () => {
        copies = [await m.aduplicate()];
      });
      await expectOne(async () => {
        copies = [...copies, ...(await m.aduplicateMany(3))];
      });
      expect(copies).to.have.length(4);
      for (const c of copies) await expectRefreshed(c.key);
    });

    it('adelete', async () => {
      const m = await stored();
      await expectOne(() => m.adelete());
      expect(await testClient().exists(m.key)).to.equal(0);
    });
  });

  describe('field operations', () => {
    it('field aload and asave', async () => {
      const m = await stored();
      await expectOne(() => m.name.aload());
      await expectRefreshed(m.key);
      await testClient().pexpire(m.key, 5000);
      m.name.value = 'zz';
      await expectOne(() => m.name.asave());
      await expectRefreshed(m.key);
      expect(await testClient().hget(m.key, 'name')).to.equal('"zz"');
    });

    it('nested model field asave and aload', async () => {
      const m = await stored();
      m.address.city.value = 'Nice';
      await expectOne(() => m.address.asave());
      await expectOne(() => m.address.aload());
      await expectRefreshed(m.key);
    });

    it('aincrease, int and float', async () => {
      const m = await stored();
      await expectOne(() => m.n.aincrease(3));
      await expectRefreshed(m.key);
      await testClient().pexpire(m.key, 5000);
      await expectOne(() => m.x.aincrease(0.5));
      await expectRefreshed(m.key);
      expect(await testClient().hmget(m.key, 'n', 'x')).to.deep.equal(['3', '0.5']);
    });
  });

  describe('class operations', () => {
    it('aget and aexists', async () => {
      const m = await stored();
      await expectOne(() => CmdModel.aget(m.pk));
      await expectRefreshed(m.key);
      await testClient().pexpire(m.key, 5000);
      await expectOne(() => CmdModel.aexists(m.key));
      await expectRefreshed(m.key);
    });

    it('afind(k1, k2, k3): three EVALSHA in one pipeline, each refreshing its model', async () => {
      const ms = [await stored(), await stored(), await stored()];
      const { commands } = await count(() => CmdModel.afind(...ms.map((m) => m.key)));
      expect(commands).to.deep.equal(['evalsha', 'evalsha', 'evalsha']);
      for (const m of ms) await expectRefreshed(m.key);
    });

    it('afindOne: one EVALSHA', async () => {
      const m = await stored();
      await expectOne(() => CmdModel.afindOne(m.key));
      await expectRefreshed(m.key);
    });

    it('ainsert of several: one EVALSHA per model', async () => {
      const ms = [1, 2, 3, 4].map((n) => new CmdModel({ n, address: {} }));
      const { commands } = await count(() => CmdModel.ainsert(...ms));
      expect(commands).to.deep.equal(['evalsha', 'evalsha', 'evalsha', 'evalsha']);
      for (const m of ms) await expectRefreshed(m.key);
    });

    it('adeleteByKey and adeleteMany', async () => {
      const [a, b, c] = [await stored(), await stored(), await stored()];
      await expectOne(() => CmdModel.adeleteByKey(a.pk));
      const { commands } = await count(() => CmdModel.adeleteMany(b, c.key));
      expect(commands).to.deep.equal(['evalsha', 'evalsha']);
      expect(await dbsizeAll()).to.equal(0);
    });

    it('afindKeys: SCAN, then one EVALSHA per key found (the READ refresh)', async () => {
      const ms = [await stored(), await stored()];
      const { commands } = await count(() => CmdModel.afindKeys());
      const masters = (await testMasters()).length; // SCAN runs on every master
      expect(commands.filter((c) => c === 'scan')).to.have.length(masters);
      expect(commands.filter((c) => c !== 'scan')).to.deep.equal(['evalsha', 'evalsha']);
      for (const m of ms) await expectRefreshed(m.key);
    });
  });

  describe('module-level operations', () => {
    it('aget, afindOne, aexists: one EVALSHA each', async () => {
      const m = await stored();
      await expectOne(() => rapyer.aget(m.key));
      await expectOne(() => rapyer.afindOne(m.key));
      await expectOne(() => rapyer.aexists(m.key));
      await expectRefreshed(m.key);
    });

    it('afind, ainsert, adeleteMany: one EVALSHA per model', async () => {
      const ms = [1, 2].map((n) => new CmdModel({ n, address: {} }));
      expect((await count(() => rapyer.ainsert(...ms))).commands).to.deep.equal(['evalsha', 'evalsha']);
      expect((await count(() => rapyer.afind(...ms.map((m) => m.key)))).commands).to.deep.equal(['evalsha', 'evalsha']);
      expect((await count(() => rapyer.adeleteMany(...ms))).commands).to.deep.equal(['evalsha', 'evalsha']);
    });
  });

  describe('concurrency', () => {
    it('1,000 concurrent aincrease(1) end with exactly 1,000', async () => {
      const m = await stored();
      const replies = await Promise.all(Array.from({ length: 1000 }, () => m.n.aincrease(1)));
      expect(await testClient().hget(m.key, 'n')).to.equal('1000');
      expect(new Set(replies).size).to.equal(1000); // every call saw its own increment
      expect(Math.max(...replies)).to.equal(1000);
      expect((await CmdModel.aget(m.pk)).n.value).to.equal(1000);
    });

    it('1,000 concurrent float aincrease(0.25) from many handles end with exactly 250', async () => {
      const m = await stored();
      const handles = await Promise.all(Array.from({ length: 10 }, () => CmdModel.aget(m.pk)));
      await Promise.all(Array.from({ length: 1000 }, (_v, i) => handles[i % 10]!.x.aincrease(0.25)));
      expect(await testClient().hget(m.key, 'x')).to.equal('250');
    });

    it('concurrent increases of different sign and size sum exactly', async () => {
      const m = await stored({ n: 5 });
      await Promise.all(Array.from({ length: 500 }, (_v, i) => m.n.aincrease(i % 2 === 0 ? 7 : -3)));
      expect(await testClient().hget(m.key, 'n')).to.equal(String(5 + 250 * 7 - 250 * 3));
    });
  });
});
