/**
 * Lease locks at their edges (README, Locks): a bad action or option is a ValidationError before
 * anything is sent; a saveAtEnd whose save fails still frees the lock; a release that fails after
 * the callback threw is attached to the callback's error, never replacing it.
 */
import { expect } from 'chai';
import { Cluster, Redis } from 'ioredis';
import * as rapyer from '../src/index.js';
import { ConnectionLostError, defineModel, field, LockLostError, LockTimeoutError, RapyerError, ValidationError } from '../src/index.js';
import { allKeys, testClient, testServer, testTopology } from './helpers/hooks.js';
import { expectReject } from './helpers/reject.js';

const Box = defineModel('LockEdgeBox', {
  id: field.str({ key: true }),
  n: field.int({ default: 0 }),
  tags: field.list(field.str()),
});

const lockKey = (pk: string, action: string) => `LockEdgeBox:{${pk}}:lock:${action}`;

function ownModel(name: string, own: Redis | Cluster) {
  return defineModel(name, { id: field.str({ key: true }), n: field.int({ default: 0 }) }, { redis: own });
}

/** A model bound to a client of its own (closed in finally), so a test can close that connection. */
async function withOwnClient(name: string, fn: (M: ReturnType<typeof ownModel>, own: Redis | Cluster) => Promise<void>): Promise<void> {
  const { host, port, url } = testServer();
  const own = testTopology() === 'cluster' ? new Cluster([{ host, port }]) : new Redis(url);
  try {
    await fn(ownModel(name, own), own);
  } finally {
    own.disconnect();
  }
}

/**
 * The error of an operation on a client closed by disconnect(): a RapyerError with the ioredis
 * error as cause; on one server ioredis says "Connection is closed." (ConnectionLostError), a
 * closed Cluster client says "None of startup nodes is available" (mapped to RedisError).
 */
function expectClosedClientError(e: unknown): void {
  expect(e).to.be.instanceOf(RapyerError);
  expect((e as Error).cause).to.be.instanceOf(Error);
  if (testTopology() === 'single') expect(e).to.be.instanceOf(ConnectionLostError);
}

/** What a promise rejects with (fails the test when it resolves). */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

describe('lease locks: arguments and failures', () => {
  for (const [what, action] of [
    ['an empty action', ''],
    ['an action with braces', 'a{b}'],
    ['a number as action', 5],
  ] as const) {
    it(`refuses ${what} with ValidationError naming the key, before taking anything`, async () => {
      const b = await new Box({ id: 'act' }).asave();
      let called = false;
      const e = await expectReject(
        b.alock(action as string, {}, async () => {
          called = true;
        }),
        ValidationError,
        /LockEdgeBox:\{act\}: lock action/,
      );
      expect(e.message).to.include(String(action));
      await expectReject(
        rapyer.alockFromKey('LockEdgeBox:{act}', action as string, {}, async () => {
          called = true;
        }),
        ValidationError,
      );
      expect(called).to.equal(false);
      expect(await allKeys('LockEdgeBox:{act}:lock:*')).to.deep.equal([]);
    });
  }

  for (const [options, name, label] of [
    [{ leaseMs: 0 }, 'leaseMs', '0'],
    [{ leaseMs: -5 }, 'leaseMs', '-5'],
    [{ leaseMs: Number.NaN }, 'leaseMs', 'NaN'],
    [{ leaseMs: Infinity }, 'leaseMs', 'Infinity'],
    [{ leaseMs: '100' }, 'leaseMs', "'100'"],
    [{ waitMs: -1 }, 'waitMs', '-1'],
    [{ waitMs: null }, 'waitMs', 'null'],
  ] as const) {
    it(`refuses ${name}: ${label} with ValidationError naming the option`, async () => {
      const b = await new Box({ id: 'opt' }).asave();
      let called = false;
      await expectReject(
        b.alock('x', options as never, async () => {
          called = true;
        }),
        ValidationError,
        new RegExp(`lock option ${name} `),
      );
      expect(called).to.equal(false);
      expect(await allKeys('LockEdgeBox:{opt}:lock:*')).to.deep.equal([]);
    });
  }

  it('waitMs 0 tries once: a held lock is LockTimeoutError at once, a free one is taken', async () => {
    const b = await new Box({ id: 'w0' }).asave();
    await testClient().set(lockKey('w0', 'x'), 'someone', 'PX', 60_000);
    const started = Date.now();
    await expectReject(
      b.alock('x', { waitMs: 0 }, async () => 1),
      LockTimeoutError,
      /LockEdgeBox:\{w0\}:lock:x/,
    );
    expect(Date.now() - started).to.be.below(1000);
    expect(await testClient().get(lockKey('w0', 'x'))).to.equal('someone');
    expect(await b.alock('y', { waitMs: 0 }, async () => 'free')).to.equal('free');
  });

  it('extend(ms) sets the new lease; a bad ms is a ValidationError inside the callback; a lost lock extends to false', async () => {
    const b = await new Box({ id: 'ext' }).asave();
    await b.alock('e', { leaseMs: 1000 }, async (_m, lock) => {
      expect(await lock.extend(60_000)).to.equal(true);
      expect(await testClient().pttl(lock.key)).to.be.above(50_000);
      expect(await lock.extend()).to.equal(true);
      expect(await testClient().pttl(lock.key)).to.be.at.most(1000);
      await expectReject(lock.extend(0), ValidationError, /leaseMs/);
      await expectReject(lock.extend(-1), ValidationError, /leaseMs/);
    });
    const err = await rejection(
      b.alock('e2', {}, async (_m, lock) => {
        await testClient().del(lock.key);
        expect(await lock.extend(5000)).to.equal(false);
        expect(await testClient().exists(lock.key), 'a lost lock is not taken again by extend').to.equal(0);
      }),
    );
    expect(err).to.be.instanceOf(LockLostError);
  });

  it('saveAtEnd whose save fails (the connection closed in the callback): that error, nothing written, the failed release attached', async () => {
    await withOwnClient('LockEdgeSave', async (Own, own) => {
      const m = await new Own({ id: 's', n: 1 }).asave();
      const err = await rejection(
        m.alock('s', { saveAtEnd: true, leaseMs: 2000 }, async (held) => {
          held.n.iadd(10);
          own.disconnect();
          return 'done';
        }),
      );
      expectClosedClientError(err);
      expect(err).not.to.be.instanceOf(LockLostError);
      expect((err as Error).message).to.include('LockEdgeSave:{s}');
      expectClosedClientError((err as { lockError?: unknown }).lockError); // the release after the failed save failed too
      expect(await testClient().hget('LockEdgeSave:{s}', 'n'), 'nothing written').to.equal('1');
    });
  });

  it('an error thrown by the callback keeps its own lockError; a frozen one surfaces unchanged', async () => {
    const b = await new Box({ id: 'own' }).asave();
    const mine = Object.assign(new Error('mine'), { lockError: 'set by the callback' });
    const err = await rejection(
      b.alock('o', {}, async (_m, lock) => {
        await testClient().del(lock.key);
        throw mine;
      }),
    );
    expect(err).to.equal(mine);
    expect((err as { lockError: unknown }).lockError).to.equal('set by the callback');
    const frozen = Object.freeze(new RangeError('frozen'));
    const err2 = await rejection(
      b.alock('o', {}, async (_m, lock) => {
        await testClient().del(lock.key);
        throw frozen;
      }),
    );
    expect(err2).to.equal(frozen);
    expect(Object.getOwnPropertyDescriptor(err2, 'lockError')).to.equal(undefined);
  });

  it('a release that fails (the connection closed in the callback) is attached as lockError to the callback error', async () => {
    await withOwnClient('LockEdgeOwn', async (Own, own) => {
      const m = await new Own({ id: 'c' }).asave();
      const boom = new Error('callback failed');
      const err = await rejection(
        m.alock('r', { leaseMs: 2000 }, async () => {
          own.disconnect();
          throw boom;
        }),
      );
      expect(err).to.equal(boom);
      expectClosedClientError((err as { lockError?: unknown }).lockError);
      expect(Object.keys(err as object)).not.to.include('lockError');
      expect(await testClient().get('LockEdgeOwn:{c}:lock:r'), 'the lock stays until its lease runs out').to.be.a('string');
    });
  });

  it('alockFromKey with saveAtEnd on a missing key: the callback gets null, nothing is written, the lock is freed', async () => {
    const seen = await rapyer.alockFromKey('LockEdgeBox:{nobody}', 'm', { saveAtEnd: true }, async (m) => m);
    expect(seen).to.equal(null);
    expect(await allKeys('LockEdgeBox:{nobody}*')).to.deep.equal([]);
  });
});
