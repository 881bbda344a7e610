/** RedisPriorityQueue: a pure proxy; order, ties, updates, empty queue, model-level rules. */
import { expect } from 'chai';
import { defineModel, field, ActionGroup, RedisPriorityQueue, KeyNotFound, ValidationError, CorruptedModelError } from '../src/index.js';
import { testClient } from './helpers/hooks.js';
import { expectReject } from './helpers/reject.js';

class Q extends defineModel('PqT', {
  id: field.str({ key: true }),
  jobs: field.priorityQueue(field.str()),
  ids: field.priorityQueue(field.int()),
}) {}

const JOBS = 'PqT:{q1}:jobs';

async function saved(): Promise<Q> {
  const m = new Q({ id: 'q1' });
  await m.asave();
  return m;
}

describe('RedisPriorityQueue', () => {
  it('is a pure proxy: no local value, no constructor value', () => {
    const m = new Q({ id: 'q1' });
    expect(m.jobs).to.be.instanceOf(RedisPriorityQueue);
    expect(m.toJSON().jobs).to.equal(undefined);
    expect(JSON.stringify(m.toJSON())).to.equal('{"id":"q1"}');
    expect(() => new Q({ id: 'q1', jobs: ['a'] as never })).to.throw(ValidationError, /PqT field "jobs": a priority queue holds no local value/);
    expect(() => field.priorityQueue(field.str()).defaultValue()).not.to.throw();
  });

  it('stores member = encoded value, score = priority, in a sorted set', async () => {
    const m = await saved();
    await m.jobs.apush('a', 2.5);
    await m.ids.apush(7, -1);
    expect(await testClient().zrange(JOBS, '0', '-1', 'WITHSCORES')).to.deep.equal(['"a"', '2.5']);
    expect(await testClient().zrange('PqT:{q1}:ids', '0', '-1', 'WITHSCORES')).to.deep.equal(['7', '-1']);
  });

  it('pops the lowest priority first', async () => {
    const m = await saved();
    await m.jobs.apush('mid', 5);
    await m.jobs.apush('low', -3.5);
    await m.jobs.apush('high', 1e9);
    expect(await m.jobs.apop()).to.equal('low');
    expect(await m.jobs.apop()).to.equal('mid');
    expect(await m.jobs.apop()).to.equal('high');
    expect(await m.jobs.apop()).to.equal(null);
  });

  it('pops equal priorities in the byte order of the stored JSON text (documented)', async () => {
    const m = await saved();
    await m.jobs.apushMany([
      { value: 'c', priority: 1 },
      { value: 'a', priority: 1 },
      { value: 'b', priority: 1 },
      { value: 'z', priority: 0 },
    ]);
    expect(await Promise.all([1, 2, 3, 4].map(() => m.jobs.apop()))).to.deep.equal(['z', 'a', 'b', 'c']);
    await m.ids.apushMany([
      { value: 9, priority: 1 },
      { value: 10, priority: 1 },
      { value: -1, priority: 1 },
    ]);
    // '-1' < '10' < '9' as bytes: ints tie in text order, not numeric order.
    expect(await m.ids.aitems()).to.deep.equal([
      { value: -1, priority: 1 },
      { value: 10, priority: 1 },
      { value: 9, priority: 1 },
    ]);
  });

  it('pushing a present value updates its priority (no duplicate)', async () => {
    const m = await saved();
    await m.jobs.apush('a', 1);
    await m.jobs.apush('b', 2);
    await m.jobs.apush('a', 3);
    expect(await m.jobs.asize()).to.equal(2);
    expect(await m.jobs.aitems()).to.deep.equal([
      { value: 'b', priority: 2 },
      { value: 'a', priority: 3 },
    ]);
  });

  it('apeek returns the next value without removing it; null when empty', async () => {
    const m = await saved();
    expect(await m.jobs.apeek()).to.equal(null);
    await m.jobs.apush('x', 1);
    await m.jobs.apush('y', 0);
    expect(await m.jobs.apeek()).to.equal('y');
    expect(await m.jobs.asize()).to.equal(2);
  });

  it('asize, aitems, aremove and aclear', async () => {
    const m = await saved();
    expect(await m.jobs.asize()).to.equal(0);
    expect(await m.jobs.aitems()).to.deep.equal([]);
    await m.jobs.apushMany([
      { value: 'a', priority: 0.1 },
      { value: 'b', priority: 0.2 },
    ]);
    expect(await m.jobs.aitems()).to.deep.equal([
      { value: 'a', priority: 0.1 },
      { value: 'b', priority: 0.2 },
    ]);
    expect(await m.jobs.aremove('a')).to.equal(true);
    expect(await m.jobs.aremove('a')).to.equal(false);
    expect(await m.jobs.aload()).to.deep.equal([{ value: 'b', priority: 0.2 }]);
    await m.jobs.aclear();
    expect(await testClient().exists(JOBS)).to.equal(0);
    expect(await m.jobs.asize()).to.equal(0);
    await m.jobs.apushMany([]);
    expect(await testClient().exists(JOBS)).to.equal(0);
  });

  it('refuses bad values and priorities before sending anything', async () => {
    const m = await saved();
    await expectReject(m.jobs.apush(1 as never, 1), ValidationError, /PqT:\{q1\} field "jobs\[0\]"/);
    for (const p of [Number.NaN, Number.POSITIVE_INFINITY, '1', null]) {
      await expectReject(m.jobs.apush('a', p as never), ValidationError, /priority must be a finite number/);
    }
    await expectReject(
      m.jobs.apushMany([
        { value: 'ok', priority: 1 },
        { value: 'bad', priority: Number.NaN },
      ]),
      ValidationError,
      /item 1/,
    );
    await expectReject(m.jobs.apushMany('x' as never), ValidationError);
    await expectReject(m.jobs.aremove(5 as never), ValidationError);
    expect(await testClient().exists(JOBS)).to.equal(0);
  });

  it('raises CorruptedModelError naming key and field for a stored value that does not validate', async () => {
    const m = await saved();
    await testClient().zadd(JOBS, 1, 'not json');
    await expectReject(m.jobs.apeek(), CorruptedModelError, /PqT:\{q1\} field "jobs\[0\]"/);
    await expectReject(m.jobs.aitems(), CorruptedModelError, /field "jobs/);
    await expectReject(m.jobs.apop(), CorruptedModelError, /field "jobs/);
  });

  it('every method on a model that is not stored throws KeyNotFound and creates no key', async () => {
    const m = new Q({ id: 'q1' });
    const ops: (() => Promise<unknown>)[] = [
      () => m.jobs.apush('a', 1),
      () => m.jobs.apushMany([{ value: 'a', priority: 1 }]),
      () => m.jobs.apop(),
      () => m.jobs.apeek(),
      () => m.jobs.asize(),
      () => m.jobs.aitems(),
      () => m.jobs.aremove('a'),
      () => m.jobs.aclear(),
      () => m.jobs.aload(),
      () => m.jobs.asave(),
    ];
    for (const op of ops) await expectReject(op(), KeyNotFound, /PqT:\{q1\}/);
    expect(await testClient().keys('*')).to.deep.equal([]);
  });

  describe('with the model', () => {
    it('asave (model or field) never writes the queue; aget does not read it', async () => {
      const m = await saved();
      await m.jobs.apush('keep', 1);
      await m.asave();
      await m.jobs.asave();
      await m.aupdate({});
      expect(await m.jobs.aitems()).to.deep.equal([{ value: 'keep', priority: 1 }]);
      const got = await Q.aget('q1');
      expect(await got.jobs.apop()).to.equal('keep');
    });

    it('aduplicate copies the queue; adelete removes it', async () => {
      const m = await saved();
      await m.jobs.apushMany([
        { value: 'a', priority: 2 },
        { value: 'b', priority: 1 },
      ]);
      const copy = await m.aduplicate();
      expect(await copy.jobs.aitems()).to.deep.equal([
        { value: 'b', priority: 1 },
        { value: 'a', priority: 2 },
      ]);
      await copy.jobs.apop();
      expect(await m.jobs.asize()).to.equal(2);
      expect(await m.adelete()).to.equal(true);
      expect(await testClient().exists(JOBS)).to.equal(0);
      expect(await copy.jobs.asize()).to.equal(1);
    });

    it("rule 4: a queue emptied then pushed again takes the main key's remaining TTL", async () => {
      class T extends defineModel('PqTtl', { id: field.str({ key: true }), jobs: field.priorityQueue(field.str()) }, { ttl: 100, refreshTtl: false }) {}
      const m = new T({ id: 't1' });
      await m.asave();
      await testClient().pexpire('PqTtl:{t1}', 30_000);
      await m.jobs.apush('a', 1);
      await m.jobs.apop();
      await m.jobs.apush('b', 1);
      const main = await testClient().pttl('PqTtl:{t1}');
      const q = await testClient().pttl('PqTtl:{t1}:jobs');
      expect(q).to.be.above(0);
      expect(Math.abs(main - q)).to.be.below(1000);
    });

    it('rule 1: a READ refresh mask refreshes every key on apeek', async () => {
      class R extends defineModel(
        'PqReadTtl',
        { id: field.str({ key: true }), jobs: field.priorityQueue(field.str()) },
        { ttl: 100, refreshTtl: ActionGroup.READ },
      ) {}
      const m = new R({ id: 'r1' });
      await m.asave();
      await m.jobs.apush('a', 1);
      await testClient().pexpire('PqReadTtl:{r1}', 5000);
      await testClient().pexpire('PqReadTtl:{r1}:jobs', 5000);
      await m.jobs.apeek();
      expect(await testClient().pttl('PqReadTtl:{r1}')).to.be.above(90_000);
      expect(await testClient().pttl('PqReadTtl:{r1}:jobs')).to.be.above(90_000);
    });
  });
});
