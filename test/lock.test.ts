import { expect } from 'chai';
import * as rapyer from '../src/index.js';
import { ActionGroup, defineModel, field, KeyNotFound, LockLostError, LockTimeoutError } from '../src/index.js';
import { LUA_SCRIPTS } from '../src/runtime/lua-scripts.generated.js';
import { testClient } from './helpers/hooks.js';

class Account extends defineModel('LockAccount', {
  id: field.str({ key: true }),
  balance: field.int({ default: 0 }),
}) {}

class Timed extends defineModel(
  'LockTimed',
  {
    id: field.str({ key: true }),
    n: field.int({ default: 0 }),
    tags: field.list(field.str()),
  },
  { ttl: 100, refreshTtl: ActionGroup.UPDATE },
) {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What a promise rejects with (fails the test when it resolves). */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}
const lockKey = (pk: string, action = 'default') => `LockAccount:{${pk}}:lock:${action}`;

describe('lease locks', () => {
  it('serialises two holders of the same lock', async () => {
    const a = await new Account({ id: 'ser' }).asave();
    const spans: [number, number][] = [];
    const hold = () =>
      a.alock('pay', { leaseMs: 5000, waitMs: 5000 }, async () => {
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
    await Promise.all(
      Array.from({ length: 20 }, () =>
        a.alock('pay', { waitMs: 10_000, saveAtEnd: true }, async (m) => {
          m.balance.iadd(1);
        }),
      ),
    );
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
      } catch (e) {
        caught = e;
      }
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
      await a.alock('s', { saveAtEnd: true }, async (m) => {
        m.balance.iadd(100);
        throw new Error('no');
      });
    } catch {
      /* expected */
    }
    expect((await Account.aget('fresh')).balance.value).to.equal(42);
    expect(await testClient().exists(lockKey('fresh', 's'))).to.equal(0);
  });

  it('model.alock on a missing model throws KeyNotFound and frees the lock', async () => {
    const a = new Account({ id: 'nope' });
    let caught: unknown;
    try {
      await a.alock(async () => 1);
    } catch (e) {
      caught = e;
    }
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

  describe('a lost lease is reported, and a late saveAtEnd writes nothing', () => {
    it('alock saveAtEnd slower than its lease: the next holder keeps its change, LockLostError', async () => {
      const a = await new Account({ id: 'late' }).asave();
      const slow = rejection(
        a.alock('pay', { leaseMs: 150, saveAtEnd: true }, async (m) => {
          m.balance.iadd(1);
          await sleep(600);
          return 'slow done';
        }),
      );
      await sleep(20);
      // the second holder waits for the first lease to run out, then changes the model
      await a.alock('pay', { waitMs: 3000, saveAtEnd: true }, async (m) => {
        m.balance.iadd(100);
      });
      const err = await slow;
      expect(err).to.be.instanceOf(LockLostError);
      expect((err as Error).message)
        .to.contain('LockAccount:{late}')
        .and.contain('pay');
      expect((err as LockLostError).result).to.equal('slow done');
      expect((await Account.aget('late')).balance.value).to.equal(100);
    });

    it('alock saveAtEnd whose lock was taken by another owner leaves that lock and the model alone', async () => {
      const a = await new Account({ id: 'taken', balance: 5 }).asave();
      const err = await rejection(
        a.alock('pay', { saveAtEnd: true }, async (m, lock) => {
          m.balance.iadd(1);
          await testClient().set(lock.key, 'other-owner', 'PX', 60_000);
        }),
      );
      expect(err).to.be.instanceOf(LockLostError);
      expect(await testClient().get(lockKey('taken', 'pay'))).to.equal('other-owner');
      expect(await testClient().pttl(lockKey('taken', 'pay'))).to.be.above(50_000);
      expect((await Account.aget('taken')).balance.value).to.equal(5);
    });

    it('alockFromKey saveAtEnd slower than its lease writes nothing and rejects with LockLostError', async () => {
      await new Account({ id: 'latek', balance: 1 }).asave();
      const err = await rejection(
        rapyer.alockFromKey('LockAccount:{latek}', 'k', { leaseMs: 100, saveAtEnd: true }, async (m) => {
          (m as Account).balance.iadd(1);
          await sleep(150);
          await testClient().hset('LockAccount:{latek}', 'balance', '77'); // what a next holder wrote
          return 3;
        }),
      );
      expect(err).to.be.instanceOf(LockLostError);
      expect((err as Error).message)
        .to.contain('LockAccount:{latek}')
        .and.contain('k');
      expect((err as LockLostError).result).to.equal(3);
      expect((await Account.aget('latek')).balance.value).to.equal(77);
    });

    it('without saveAtEnd, a lease lost before the release rejects with LockLostError', async () => {
      const a = await new Account({ id: 'norel' }).asave();
      const err = await rejection(
        a.alock('r', { leaseMs: 100 }, async () => {
          await sleep(250);
          return { done: true };
        }),
      );
      expect(err).to.be.instanceOf(LockLostError);
      expect((err as Error).message)
        .to.contain('LockAccount:{norel}')
        .and.contain('r');
      expect((err as LockLostError).result).to.deep.equal({ done: true });
      const err2 = await rejection(rapyer.alockFromKey('LockAccount:{norel}', 'r', { leaseMs: 100 }, async () => sleep(250)));
      expect(err2).to.be.instanceOf(LockLostError);
    });

    it('a lock key replaced by another type is a lost lock, with or without saveAtEnd', async () => {
      const a = await new Account({ id: 'typed', balance: 2 }).asave();
      for (const saveAtEnd of [true, false]) {
        const err = await rejection(
          a.alock('t', { saveAtEnd }, async (m, lock) => {
            m.balance.iadd(1);
            await testClient().del(lock.key);
            await testClient().rpush(lock.key, 'not a lock');
          }),
        );
        expect(err, `saveAtEnd ${saveAtEnd}`).to.be.instanceOf(LockLostError);
        expect(await testClient().lrange(lockKey('typed', 't'), 0, -1)).to.deep.equal(['not a lock']);
        await testClient().del(lockKey('typed', 't'));
      }
      expect((await Account.aget('typed')).balance.value).to.equal(2);
    });
  });

  describe("the callback's error is never hidden by the release", () => {
    it('the callback throws and the lock key was replaced by another type: the callback error', async () => {
      const a = await new Account({ id: 'hide' }).asave();
      const boom = new Error('boom');
      for (const saveAtEnd of [false, true]) {
        const err = await rejection(
          a.alock('h', { saveAtEnd }, async (_m, lock) => {
            await testClient().del(lock.key);
            await testClient().rpush(lock.key, 'x');
            throw boom;
          }),
        );
        expect(err).to.equal(boom);
        expect((err as { lockError?: unknown }).lockError).to.be.instanceOf(LockLostError);
        delete (boom as { lockError?: unknown }).lockError;
        await testClient().del(lockKey('hide', 'h'));
      }
      const err = await rejection(
        rapyer.alockFromKey('LockAccount:{hide}', 'h', {}, async (_m, lock) => {
          await testClient().del(lock.key);
          await testClient().rpush(lock.key, 'x');
          throw new TypeError('from key');
        }),
      );
      expect(err).to.be.instanceOf(TypeError);
    });

    it('the callback throws after its lease ran out: the callback error, the lost lock attached', async () => {
      const a = await new Account({ id: 'hide2' }).asave();
      const err = await rejection(
        a.alock('h', { leaseMs: 100 }, async () => {
          await sleep(250);
          throw new RangeError('late and wrong');
        }),
      );
      expect(err).to.be.instanceOf(RangeError);
      expect((err as { lockError?: unknown }).lockError).to.be.instanceOf(LockLostError);
      expect(Object.keys(err as object)).not.to.include('lockError');
    });

    it('a thrown non-object still surfaces as it was thrown', async () => {
      const a = await new Account({ id: 'hide3' }).asave();
      const err = await rejection(
        a.alock('h', { leaseMs: 100 }, async () => {
          await sleep(250);
          throw 'plain string'; // eslint-disable-line no-throw-literal
        }),
      );
      expect(err).to.equal('plain string');
    });
  });

  describe('a normal saveAtEnd', () => {
    it('saves every key, refreshes the TTL as asave does, and frees the lock', async () => {
      const t = await new Timed({ id: 'ok', tags: ['a'] }).asave();
      for (const k of [t.key, `${t.key}:tags`]) await testClient().pexpire(k, 5000);
      const got = await t.alock('s', { saveAtEnd: true }, async (m) => {
        m.n.iadd(2);
        m.tags.append('b');
        return m.n.value;
      });
      expect(got).to.equal(2);
      const back = await Timed.aget('ok');
      expect(back.n.value).to.equal(2);
      expect(back.tags.toJSON()).to.deep.equal(['a', 'b']);
      for (const k of [t.key, `${t.key}:tags`]) expect(await testClient().pttl(k), k).to.be.within(90_000, 100_000);
      expect(await testClient().exists('LockTimed:{ok}:lock:s')).to.equal(0);
      const viaKey = await rapyer.alockFromKey('LockTimed:{ok}', 's', { saveAtEnd: true }, async (m) => {
        (m as Timed).tags.append('c');
        return 'k';
      });
      expect(viaKey).to.equal('k');
      expect((await Timed.aget('ok')).tags.toJSON()).to.deep.equal(['a', 'b', 'c']);
      expect(await testClient().exists('LockTimed:{ok}:lock:s')).to.equal(0);
    });

    it('lock/save writes and releases only while the lock key holds the token', async () => {
      const t = await new Timed({ id: 'raw' }).asave();
      const s = LUA_SCRIPTS['lock/save'];
      const lock = 'LockTimed:{raw}:lock:x';
      const groups = [String(ActionGroup.UPDATE), String(ActionGroup.UPDATE), '100000'];
      const payload = async (n: string) => {
        const h = { ...(await testClient().hgetall(t.key)), n };
        return [String(Object.keys(h).length), ...Object.entries(h).flat(), 'list', '0'];
      };
      const run = async (n: string) => testClient().eval(s.lua, 3, t.key, `${t.key}:tags`, lock, ...groups, 'tok', ...(await payload(n)));
      await testClient().set(lock, 'tok', 'PX', 60_000);
      expect(await run('9')).to.equal(0);
      expect(await testClient().exists(lock)).to.equal(0);
      expect((await Timed.aget('raw')).n.value).to.equal(9);
      await testClient().set(lock, 'other', 'PX', 60_000);
      expect(String(await rejection(run('10')))).to.match(/RAPYER_LOCK_LOST LockTimed:\{raw\} LockTimed:\{raw\}:lock:x/);
      expect((await Timed.aget('raw')).n.value).to.equal(9);
      expect(await testClient().get(lock)).to.equal('other');
      expect(await testClient().pttl(lock)).to.be.within(50_000, 60_000); // not the model's TTL
    });
  });
});
