import { expect } from 'chai';
import * as rapyer from '../src/index.js';
import { defineModel, field, KeyNotFound, LockTimeoutError } from '../src/index.js';
import { LUA_SCRIPTS } from '../src/runtime/lua-scripts.generated.js';
import { testClient } from './helpers/hooks.js';

class Account extends defineModel('LockAccount', {
  id: field.str({ key: true }),
  balance: field.int({ default: 0 }),
}) {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const lockKey = (pk: string, action = 'default') => `LockAccount:{${pk}}:lock:${action}`;

describe('lease locks', () => {
  it('serialises two holders of the same lock', async () => {
    const a = await new Account({ id: 'ser' }).asave();
    const spans: [number, number][] = [];
    const hold = () => a.alock('pay', { leaseMs: 5000, waitMs: 5000 }, async () => {
      const start = Date.now();
      await sleep(100);
      spans.push([start, Date.now()]);
    });
    await Promise.all([hold(), hold(), hold()]);
    spans.sort((x, y) => x[0] - y[0]);
    expect(spans).to.have.length(3);
    for (let i = 1; i < spans.length; i += 1) expect(spans[i]![0]).to.be.at.least(spans[i - 1]![1]);
  });

  it('keeps read-modify-write cycles exact under the lock', async () => {
    const a = await new Account({ id: 'rmw' }).asave();
    await Promise.all(Array.from({ length: 20 }, () =>
      a.alock('pay', { waitMs: 10_000, saveAtEnd: true }, async (m) => { m.balance.iadd(1); })));
    expect((await Account.aget('rmw')).balance.value).to.equal(20);
  });

  it('frees a lock whose holder never releases it after leaseMs', async () => {
    await new Account({ id: 'dead' }).asave();
    const acq = LUA_SCRIPTS['lock/acquire'];
    expect(await testClient().eval(acq.lua, 1, lockKey('dead'), 'dead-holder', '300')).to.equal(1);
    const a = await Account.aget('dead');
    const t0 = Date.now();
    const got = await a.alock('default', { waitMs: 3000 }, async () => 'in');
    expect(got).to.equal('in');
    expect(Date.now() - t0).to.be.at.least(200);
  });

  it('a release with a wrong token deletes nothing', async () => {
    const rel = LUA_SCRIPTS['lock/release'];
    const a = await new Account({ id: 'tok' }).asave();
    await a.alock('x', { leaseMs: 10_000 }, async (_m, lock) => {
      expect(await testClient().eval(rel.lua, 1, lock.key, 'not-the-token')).to.equal(0);
      expect(await testClient().get(lock.key)).to.equal(lock.token);
    });
    expect(await testClient().exists(lockKey('tok', 'x'))).to.equal(0);
  });

  it('raises LockTimeoutError after waitMs', async () => {
    const a = await new Account({ id: 'wait' }).asave();
    let caught: unknown;
    await a.alock('w', { leaseMs: 5000 }, async () => {
      const t0 = Date.now();
      try {
        await a.alock('w', { waitMs: 200 }, async () => 'never');
      } catch (e) { caught = e; }
      expect(Date.now() - t0).to.be.within(150, 2000);
    });
    expect(caught).to.be.instanceOf(LockTimeoutError);
    expect((caught as Error).message).to.contain('LockAccount:{wait}:lock:w');
  });

  it('extends a held lock, and the lease lives in the model hash slot', async () => {
    const a = await new Account({ id: 'ext' }).asave();
    await a.alock('e', { leaseMs: 500 }, async (_m, lock) => {
      expect(lock.key).to.equal('LockAccount:{ext}:lock:e');
      expect(await testClient().pttl(lock.key)).to.be.at.most(500);
      expect(await lock.extend(60_000)).to.equal(true);
      expect(await testClient().pttl(lock.key)).to.be.above(50_000);
    });
  });

  it('gives fn the freshly loaded model and saves it with saveAtEnd only on success', async () => {
    const a = await new Account({ id: 'fresh' }).asave();
    await testClient().hset('LockAccount:{fresh}', 'balance', '41');
    await a.alock('s', { saveAtEnd: true }, async (m) => {
      expect(m.balance.value).to.equal(41);
      m.balance.iadd(1);
    });
    expect((await Account.aget('fresh')).balance.value).to.equal(42);
    try {
      await a.alock('s', { saveAtEnd: true }, async (m) => { m.balance.iadd(100); throw new Error('no'); });
    } catch { /* expected */ }
    expect((await Account.aget('fresh')).balance.value).to.equal(42);
    expect(await testClient().exists(lockKey('fresh', 's'))).to.equal(0);
  });

  it('model.alock on a missing model throws KeyNotFound and frees the lock', async () => {
    const a = new Account({ id: 'nope' });
    let caught: unknown;
    try { await a.alock(async () => 1); } catch (e) { caught = e; }
    expect(caught).to.be.instanceOf(KeyNotFound);
    expect(await testClient().exists(lockKey('nope'))).to.equal(0);
  });

  it('alockFromKey yields the model, or null for a missing key', async () => {
    await new Account({ id: 'mod', balance: 3 }).asave();
    const seen = await rapyer.alockFromKey('LockAccount:{mod}', 'm', { saveAtEnd: true }, async (m) => {
      (m as Account).balance.iadd(1);
      return (m as Account).balance.value;
    });
    expect(seen).to.equal(4);
    expect((await Account.aget('mod')).balance.value).to.equal(4);
    expect(await rapyer.alockFromKey('LockAccount:{missing}', 'm', {}, async (m) => m)).to.equal(null);
  });
});
