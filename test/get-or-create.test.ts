/**
 * README, "Get or create, and counters that come back": Model.agetOrCreate / rapyer.agetOrCreate
 * (one script: found → the stored model, READ|FETCH; not stored → the draft saved whole, CREATE,
 * TTL set), and aincrease(by, { upsert: true }) on RedisInt and RedisFloat (stored → aincrease;
 * not stored → the instance saved whole, then the increment, in one script). Both topologies.
 */
import { expect } from 'chai';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as rapyer from '../src/index.js';
import { ActionGroup, CorruptedModelError, defineModel, field, KeyNotFound, OverflowError, UnsupportedArgumentError, ValidationError } from '../src/index.js';
import { testClient } from './helpers/hooks.js';
import { expectReject } from './helpers/reject.js';

const { READ, CREATE, UPDATE } = ActionGroup;

const GocAddress = defineModel('GocAddress', { city: field.str({ default: '' }) });
const shape = () => ({
  id: field.str({ key: true }),
  name: field.str({ default: '' }),
  n: field.int({ default: 0 }),
  x: field.float({ default: 0 }),
  opt: field.int({ optional: true }),
  tags: field.list(field.str()),
  jobs: field.priorityQueue(field.str()),
  address: field.model(GocAddress, { default: () => ({ city: '' }) }),
});

class GocUser extends defineModel('GocUser', shape(), { ttl: 100, refreshTtl: false }) {
  hello(): string {
    return `hi ${this.name.value}`;
  }
}
const GocRead = defineModel('GocRead', shape(), { ttl: 100, refreshTtl: READ });
const GocCreateOnly = defineModel('GocCreateOnly', shape(), { ttl: 100, refreshTtl: CREATE });
const GocUpdate = defineModel('GocUpdate', shape(), { ttl: 100, refreshTtl: UPDATE });
const GocOther = defineModel('GocOther', { id: field.str({ key: true }) });
/** A fixed-window counter: no refresh at all, so the window never slides (README example). */
const GocHits = defineModel(
  'GocHits',
  { id: field.str({ key: true }), n: field.int({ default: 0 }), x: field.float({ default: 0 }) },
  { ttl: 100, refreshTtl: false },
);

const pttl = (key: string) => testClient().pttl(key);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const tagsKey = (main: string) => `${main}:tags`;
const jobsKey = (main: string) => `${main}:jobs`;

/** Lowers the TTL of every key of a stored model to 5 s, so that a refresh is visible. */
async function lower(main: string): Promise<void> {
  await Promise.all([main, tagsKey(main)].map((k) => testClient().pexpire(k, 5000)));
}

async function expectRefreshed(key: string): Promise<void> {
  expect(await pttl(key), `${key} PTTL`).to.be.within(90_000, 100_000);
}

async function expectUntouched(key: string): Promise<void> {
  expect(await pttl(key), `${key} PTTL`).to.be.within(1, 5000);
}

/** Waits until the model's main key has expired (after asetTtl of a few ms). */
async function expire(main: string): Promise<void> {
  for (let i = 0; i < 100 && (await testClient().exists(main)) === 1; i += 1) await sleep(10);
  expect(await testClient().exists(main), `${main} expired`).to.equal(0);
}

describe('get or create', () => {
  describe('Model.agetOrCreate', () => {
    it('not stored: saves the draft whole (every field and collection, no priority queue), sets the TTL with refreshTtl false, answers created with the draft', async () => {
      const draft = new GocUser({ id: 'u1', name: 'Ann', n: 3, tags: ['a', 'b'], address: { city: 'Oslo' } });
      const r = await GocUser.agetOrCreate(draft);
      expect(r.status).to.equal('created');
      expect(r.model).to.equal(draft);
      expect(await testClient().hgetall('GocUser:{u1}')).to.deep.equal({
        id: '"u1"',
        name: '"Ann"',
        n: '3',
        x: '0',
        opt: 'null',
        'address.city': '"Oslo"',
      });
      expect(await testClient().lrange(tagsKey('GocUser:{u1}'), 0, -1)).to.deep.equal(['"a"', '"b"']);
      expect(await testClient().exists(jobsKey('GocUser:{u1}'))).to.equal(0);
      await expectRefreshed('GocUser:{u1}'); // rule 2: created, though refreshTtl is false
      await expectRefreshed(tagsKey('GocUser:{u1}'));
      expect((await GocUser.aget('u1')).toJSON()).to.deep.equal(draft.toJSON());
    });

    it('stored: answers found with a new instance of the stored model; the draft is ignored and nothing is written', async () => {
      const stored = await new GocUser({ id: 'u1', name: 'Ann', n: 3, tags: ['a'], address: { city: 'Oslo' } }).asave();
      await stored.jobs.apush('j', 1);
      const draft = new GocUser({ id: 'u1', name: 'Bob', n: 9, tags: ['z', 'y'], address: { city: 'Rome' } });
      const before = await testClient().hgetall(stored.key);
      const r = await GocUser.agetOrCreate(draft);
      expect(r.status).to.equal('found');
      expect(r.model).to.not.equal(draft);
      expect(r.model).to.be.instanceOf(GocUser);
      expect(r.model.hello()).to.equal('hi Ann');
      expect(r.model.toJSON()).to.deep.equal(stored.toJSON());
      expect(draft.name.value, 'the draft is left as it was').to.equal('Bob');
      expect(await testClient().hgetall(stored.key)).to.deep.equal(before);
      expect(await testClient().lrange(tagsKey(stored.key), 0, -1)).to.deep.equal(['"a"']);
      expect(await r.model.jobs.aitems()).to.have.length(1);
    });

    it('found is READ|FETCH: refreshes with a READ mask, not with UPDATE or CREATE; created sets the TTL whatever the mask', async () => {
      for (const cls of [GocRead, GocUpdate, GocCreateOnly]) {
        const created = await cls.agetOrCreate(new cls({ id: 'k', tags: ['t'] }));
        expect(created.status, cls.modelName).to.equal('created');
        await expectRefreshed(created.model.key);
        await lower(created.model.key);
        const found = await cls.agetOrCreate(new cls({ id: 'k', tags: ['t'] }));
        expect(found.status, cls.modelName).to.equal('found');
        if (cls === GocRead) {
          await expectRefreshed(found.model.key);
          await expectRefreshed(tagsKey(found.model.key));
        } else {
          await expectUntouched(found.model.key); // CREATE's groups are not the found outcome's
          await expectUntouched(tagsKey(found.model.key));
        }
      }
    });

    it('50 concurrent callers on one pk with 50 different drafts: exactly one created, all 50 models equal the stored one', async function () {
      this.timeout(20_000);
      const drafts = Array.from({ length: 50 }, (_v, i) => new GocUser({ id: 'race', name: `n${i}`, n: i, tags: [String(i)] }));
      const results = await Promise.all(drafts.map((d) => GocUser.agetOrCreate(d)));
      const created = results.filter((r) => r.status === 'created');
      expect(created).to.have.length(1);
      const stored = (await GocUser.aget('race')).toJSON();
      expect(stored).to.deep.equal(created[0]!.model.toJSON());
      for (const r of results) expect(r.model.toJSON()).to.deep.equal(stored);
    });

    it('refuses a draft of another class (ValidationError) and a nested model (UnsupportedArgumentError), sending nothing', async () => {
      await expectReject(GocUser.agetOrCreate(new GocOther({ id: 'o' }) as never), ValidationError, /GocUser\.agetOrCreate: .* is not a GocUser/);
      const nested = new GocUser({ id: 'u2' }).address;
      await expectReject(GocAddress.agetOrCreate(nested), UnsupportedArgumentError, /GocUser:\{u2\} agetOrCreate: address is a nested model/);
      expect(await testClient().exists('GocOther:{o}')).to.equal(0);
      expect(await testClient().exists('GocUser:{u2}')).to.equal(0);
    });

    it('stored data that does not validate is CorruptedModelError naming the key and field', async () => {
      await testClient().hset('GocUser:{bad}', 'id', '"bad"', 'n', '"not a number"');
      await expectReject(GocUser.agetOrCreate(new GocUser({ id: 'bad' })), CorruptedModelError, /GocUser:\{bad\}.*n/);
    });

    it('inside a pipeline it runs at once (it answers from stored state)', async () => {
      await rapyer.apipeline(async () => {
        const r = await GocUser.agetOrCreate(new GocUser({ id: 'p1', n: 1 }));
        expect(r.status).to.equal('created');
        expect(await testClient().exists('GocUser:{p1}')).to.equal(1);
      });
    });
  });

  describe('rapyer.agetOrCreate', () => {
    it('creates, then finds, building the draft’s own class', async () => {
      const first = await rapyer.agetOrCreate(new GocUser({ id: 'm1', name: 'Ann' }));
      expect(first.status).to.equal('created');
      const again = await rapyer.agetOrCreate(new GocUser({ id: 'm1', name: 'Bob' }));
      expect(again.status).to.equal('found');
      expect(again.model).to.be.instanceOf(GocUser);
      expect(again.model.hello()).to.equal('hi Ann');
    });

    it('refuses what is not a model', async () => {
      await expectReject(rapyer.agetOrCreate({ id: 'x' } as never), ValidationError, /agetOrCreate: .* is not a model/);
    });
  });
});

describe('aincrease(by, { upsert: true })', () => {
  it('not stored: saves the instance whole with the increment applied, sets the TTL (refreshTtl false), returns the new value', async () => {
    const m = new GocUser({ id: 'c1', name: 'Ann', n: 2, tags: ['a'], address: { city: 'Oslo' } });
    expect(await m.n.aincrease(5, { upsert: true })).to.equal(7);
    expect(m.n.value).to.equal(7);
    expect(await testClient().hgetall(m.key)).to.deep.equal({
      id: '"c1"',
      name: '"Ann"',
      n: '7',
      x: '0',
      opt: 'null',
      'address.city': '"Oslo"',
    });
    expect(await testClient().lrange(tagsKey(m.key), 0, -1)).to.deep.equal(['"a"']);
    await expectRefreshed(m.key);
    await expectRefreshed(tagsKey(m.key));
  });

  it('RedisFloat: the same, and stored it is aincrease', async () => {
    const m = new GocUser({ id: 'f1', x: 0.25 });
    expect(await m.x.aincrease(0.5, { upsert: true })).to.equal(0.75);
    expect(await testClient().hget(m.key, 'x')).to.equal('0.75');
    expect(await new GocUser({ id: 'f1', x: 100 }).x.aincrease(0.1, { upsert: true })).to.equal(0.85);
  });

  it('stored: it is aincrease on the stored value; the instance’s other values are not written', async () => {
    await new GocUser({ id: 'c2', name: 'Ann', n: 10, tags: ['a'] }).asave();
    const other = new GocUser({ id: 'c2', name: 'Bob', n: 0, tags: ['z'] });
    expect(await other.n.aincrease(1, { upsert: true })).to.equal(11);
    expect(await testClient().hgetall('GocUser:{c2}')).to.include({ name: '"Ann"', n: '11' });
    expect(await testClient().lrange(tagsKey('GocUser:{c2}'), 0, -1)).to.deep.equal(['"a"']);
  });

  it('stored is UPDATE|ARITHMETIC: refreshes with an UPDATE mask, not with CREATE alone', async () => {
    for (const cls of [GocUpdate, GocCreateOnly]) {
      const m = await new cls({ id: 't', tags: ['t'] }).asave();
      await lower(m.key);
      await new cls({ id: 't' }).n.aincrease(1, { upsert: true });
      if (cls === GocUpdate) {
        await expectRefreshed(m.key);
        await expectRefreshed(tagsKey(m.key));
      } else {
        await expectUntouched(m.key);
        await expectUntouched(tagsKey(m.key));
      }
    }
  });

  it('a model whose TTL ran out: 20 concurrent upserts from 20 instances each holding 0 lose no increment', async function () {
    this.timeout(20_000);
    const first = await new GocHits({ id: 'win' }).asave();
    await first.n.aincrease(41);
    await first.asetTtl(0.02);
    await expire(first.key);
    const instances = Array.from({ length: 20 }, () => new GocHits({ id: 'win' }));
    const got = await Promise.all(instances.map((h) => h.n.aincrease(1, { upsert: true })));
    expect([...got].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 20 }, (_v, i) => i + 1));
    expect(await testClient().hget(first.key, 'n')).to.equal('20');
    await expectRefreshed(first.key); // created again: TTL set
  });

  it('a fixed window: increments do not move the TTL (refreshTtl false); once it ran out the count starts again', async () => {
    const hit = () => new GocHits({ id: 'user:7' }).n.aincrease(1, { upsert: true });
    expect(await hit()).to.equal(1);
    await testClient().pexpire('GocHits:{user:7}', 5000);
    expect(await hit()).to.equal(2);
    await expectUntouched('GocHits:{user:7}');
    await testClient().pexpire('GocHits:{user:7}', 20);
    await expire('GocHits:{user:7}');
    expect(await hit()).to.equal(1);
    await expectRefreshed('GocHits:{user:7}');
  });

  it('without the option a model that is not stored is KeyNotFound, and nothing is written', async () => {
    const m = new GocUser({ id: 'c3', n: 1, tags: ['a'] });
    await expectReject(m.n.aincrease(1), KeyNotFound);
    await expectReject(m.x.aincrease(1, { upsert: false }), KeyNotFound);
    expect(await testClient().exists(m.key, tagsKey(m.key))).to.equal(0);
    expect(m.n.value).to.equal(1);
  });

  it('checks before writing: a null value, an overflow and a stored corrupted value write nothing', async () => {
    const nul = new GocUser({ id: 'e1', tags: ['a'] });
    await expectReject(nul.opt.aincrease(1, { upsert: true }), ValidationError, /GocUser:\{e1\} opt is null/);
    const big = new GocUser({ id: 'e2', n: Number.MAX_SAFE_INTEGER, tags: ['a'] });
    await expectReject(big.n.aincrease(1, { upsert: true }), OverflowError, /GocUser:\{e2\} n/);
    const inf = new GocUser({ id: 'e3', x: Number.MAX_VALUE });
    await expectReject(inf.x.aincrease(Number.MAX_VALUE, { upsert: true }), OverflowError, /GocUser:\{e3\} x/);
    expect(await testClient().exists('GocUser:{e1}', tagsKey('GocUser:{e1}'))).to.equal(0);
    expect(await testClient().exists('GocUser:{e2}', tagsKey('GocUser:{e2}'))).to.equal(0);
    expect(await testClient().exists('GocUser:{e3}')).to.equal(0);
    await testClient().hset('GocUser:{e4}', 'id', '"e4"', 'n', '1.5');
    await expectReject(new GocUser({ id: 'e4' }).n.aincrease(1, { upsert: true }), CorruptedModelError, /GocUser:\{e4\} n 1\.5/);
    expect(await testClient().hget('GocUser:{e4}', 'n')).to.equal('1.5');
  });

  it('refuses options that are not { upsert?: boolean }, sending nothing', async () => {
    const m = new GocUser({ id: 'o1' });
    await expectReject(m.n.aincrease(1, { upsert: 'yes' } as never), ValidationError, /upsert must be a boolean/);
    await expectReject(m.x.aincrease(1, null as never), ValidationError, /options must be an object/);
    expect(await testClient().exists(m.key)).to.equal(0);
  });

  it('inside a pipeline it queues like aincrease: two upserts on a model that is not stored create it once and add both', async () => {
    const m = new GocUser({ id: 'p2', n: 5, name: 'Ann' });
    const queued: number[] = [];
    await rapyer.apipeline(async () => {
      queued.push(await m.n.aincrease(1, { upsert: true }));
      expect(await testClient().exists(m.key), 'queued, not run').to.equal(0);
      queued.push(await m.n.aincrease(2, { upsert: true }));
    });
    expect(queued).to.deep.equal([6, 8]);
    expect(await testClient().hgetall(m.key)).to.include({ name: '"Ann"', n: '8' });
    expect(m.n.value).to.equal(8);
    await expectRefreshed(m.key);
  });

  it('in a one-round-trip model pipeline ({ load: false }) it creates the model that is not stored', async () => {
    const m = new GocHits({ id: 'p3', x: 1 });
    await m.apipeline(
      async (h) => {
        await h.n.aincrease(3, { upsert: true });
        await h.x.aincrease(0.5, { upsert: true });
      },
      { load: false },
    );
    expect(await testClient().hgetall(m.key)).to.deep.equal({ id: '"p3"', n: '3', x: '1.5' });
    expect([m.n.value, m.x.value]).to.deep.equal([3, 1.5]);
  });
});

describe('README: the fixed-window rate limit', () => {
  it('runs as written: 100 hits allowed, the 101st refused, the window not moved by the hits', async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Get or create, and counters that come back'));
    const code = [...section.matchAll(/```ts\n([\s\S]*?)```/g)][1]![1]!;
    const file = new URL('./.readme-rate-limit.mts', import.meta.url);
    // defineModel and field of this run's module instance (the one the root hooks bound with init):
    // an import from the file could load a second instance of the library, with no client
    writeFileSync(file, `const { defineModel, field } = globalThis.__rapyerReadme;\n${code}\nexport { allow, Hits };\n`);
    (globalThis as { __rapyerReadme?: unknown }).__rapyerReadme = { defineModel, field };
    try {
      const { allow } = (await import(file.href)) as { allow: (userId: string) => Promise<boolean> };
      const answers: boolean[] = [];
      for (let i = 0; i < 101; i += 1) answers.push(await allow('u1'));
      expect(answers.filter((a) => a)).to.have.length(100);
      expect(answers[100]).to.equal(false);
      expect(await testClient().hget('Hits:{u1}', 'n')).to.equal('101');
      await testClient().pexpire('Hits:{u1}', 5000);
      expect(await allow('u1')).to.equal(false);
      await expectUntouched('Hits:{u1}'); // a fixed window: the hits never move the expiry
      await testClient().pexpire('Hits:{u1}', 20);
      await expire('Hits:{u1}');
      expect(await allow('u1')).to.equal(true);
      expect(await pttl('Hits:{u1}')).to.be.within(50_000, 60_000);
    } finally {
      rmSync(file, { force: true });
      delete (globalThis as { __rapyerReadme?: unknown }).__rapyerReadme;
    }
  });
});
