/**
 * The one-round-trip pipeline (`model.apipeline(fn, { load: false })`, `rapyer.apipeline`): one
 * command, and the batch reads back what its operations touched so that the local copies equal
 * what is stored; all or nothing with an undo log that copies only what the operations change.
 */
import { expect } from 'chai';
import * as rapyer from '../src/index.js';
import { ActionGroup, defineModel, field, KeyNotFound, OverflowError } from '../src/index.js';
import { testClient, testServer, testTopology } from './helpers/hooks.js';
import { countCommands } from './helpers/server.js';
import { preloadScripts } from '../src/runtime/connection.js';

class Doc extends defineModel(
  'OneRt',
  {
    id: field.str({ key: true }),
    n: field.int({ default: 0 }),
    f: field.float({ default: 0 }),
    s: field.str({ default: '' }),
    tags: field.list(field.str()),
    attrs: field.dict(field.str()),
  },
  { ttl: 100, refreshTtl: ActionGroup.UPDATE },
) {} // queued writes refresh, reloads do not

const BIG = 10_000;

describe('pipelines: one round trip, read back, undo log', () => {
  // Whatever another file flushed, EVALSHA finds its script: the counts below are exact.
  before(async () => {
    await preloadScripts(testClient());
  });

  it('model.apipeline(fn, { load: false }) sends one command and the local copy equals what is stored', async () => {
    const d = await new Doc({ id: 'one', n: 1 }).asave();
    // Another client writes meanwhile: the local copy is stale, the read-back makes it exact.
    await testClient().hset(d.key, 'n', '100');
    await testClient().rpush(`${d.key}:tags`, '"other"');
    const { commands } = await countCommands(testServer().url, () =>
      d.apipeline(
        (m) => {
          for (let i = 0; i < 5; i += 1) {
            m.n.iadd(1);
            m.f.iadd(0.5);
          }
          m.tags.append('mine');
          m.s.iadd('x');
        },
        { load: false },
      ),
    );
    expect(commands).to.deep.equal(['evalsha']);
    expect(d.toJSON()).to.deep.equal((await Doc.aget('one')).toJSON());
    expect(d.toJSON()).to.include({ n: 105, f: 2.5, s: 'x' });
    expect(d.tags.toJSON()).to.deep.equal(['other', 'mine']);
  });

  it('the default form still loads first (two commands) and also ends equal to what is stored', async () => {
    const d = await new Doc({ id: 'two' }).asave();
    await testClient().hset(d.key, 'n', '7');
    const { commands } = await countCommands(testServer().url, () =>
      d.apipeline((m) => {
        m.n.iadd(1);
      }),
    );
    expect(commands).to.deep.equal(['evalsha', 'evalsha']);
    expect(d.n.value).to.equal(8);
  });

  it('rapyer.apipeline over two models is one command on one server, each local copy read back', async () => {
    const [a, b] = await rapyer.ainsert(new Doc({ id: 'ra' }), new Doc({ id: 'rb' }));
    await testClient().hset(a!.key, 'n', '10');
    await testClient().hset(`${b!.key}:attrs`, 'k', '"v"');
    const { count } = await countCommands(testServer().url, () =>
      rapyer.apipeline(() => {
        a!.n.iadd(1);
        b!.attrs.set('z', 'w');
      }),
    );
    expect(count).to.equal(testTopology() === 'single' ? 1 : 2);
    expect(a!.n.value).to.equal(11);
    expect(b!.attrs.toJSON()).to.deep.equal({ k: 'v', z: 'w' });
  });

  it('a failing one-round-trip pipeline stores nothing and the local copies read as stored', async () => {
    const d = await new Doc({ id: 'fail', n: 3 }).asave();
    await testClient().hset(d.key, 'f', String(Number.MAX_VALUE));
    const before = await testClient().hgetall(d.key);
    const ttl = await testClient().pttl(d.key);
    let caught: unknown;
    try {
      await d.apipeline(
        (m) => {
          m.n.iadd(1);
          m.tags.append('t');
          m.s.iadd('y');
          m.f.imul(10);
        },
        { load: false },
      );
    } catch (e) {
      caught = e;
    }
    expect(caught).to.be.instanceOf(OverflowError);
    expect((caught as Error).message).to.match(/\[operation 4: OneRt:\{fail\} RedisFloat\.imul\]/);
    expect(await testClient().hgetall(d.key)).to.deep.equal(before);
    expect(await testClient().exists(`${d.key}:tags`)).to.equal(0);
    expect(await testClient().pttl(d.key)).to.be.within(ttl - 1000, ttl);
    expect(d.toJSON()).to.deep.equal((await Doc.aget('fail')).toJSON());
  });

  it('a model not stored: KeyNotFound, nothing created', async () => {
    const d = new Doc({ id: 'absent' });
    let caught: unknown;
    try {
      await d.apipeline(
        (m) => {
          m.tags.append('t');
          m.n.iadd(1);
        },
        { load: false },
      );
    } catch (e) {
      caught = e;
    }
    expect(caught).to.be.instanceOf(KeyNotFound);
    expect(await testClient().exists(d.key, `${d.key}:tags`)).to.equal(0);
  });

  it('rolls back what it changed on a model with big collections, without copying the collections it did not write', async () => {
    const d = await new Doc({
      id: 'big',
      tags: Array.from({ length: BIG }, (_, i) => `t${i}`),
      attrs: Object.fromEntries(Array.from({ length: BIG }, (_, i) => [`k${i}`, `v${i}`])),
    }).asave();
    await testClient().hset(d.key, 'n', String(Number.MAX_SAFE_INTEGER - 1));
    const main = await testClient().hgetall(d.key);
    const tagsTtl = await testClient().pttl(`${d.key}:tags`);
    await testClient().config('RESETSTAT');
    let caught: unknown;
    try {
      // The list grows, the dict gets a field, every key's TTL is refreshed, then an overflow.
      await rapyer.apipeline(() => {
        d.s.iadd('z');
        d.tags.append('new');
        d.attrs.set('k1', 'changed');
        d.n.iadd(10);
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).to.be.instanceOf(OverflowError);
    expect((caught as Error).message).to.match(/\[operation 4: /); // refused in Redis, after the other writes
    if (testTopology() === 'single') {
      // (a Cluster client asks a random node)
      const stats = await testClient().info('commandstats');
      // Nothing was copied whole: the undo log saved the list's length and the dict's one field.
      expect(stats).to.not.match(/cmdstat_dump:/);
      expect(stats).to.not.match(/cmdstat_restore:/);
    }
    expect(await testClient().hgetall(d.key)).to.deep.equal(main);
    expect(await testClient().llen(`${d.key}:tags`)).to.equal(BIG);
    expect(await testClient().lindex(`${d.key}:tags`, -1)).to.equal(JSON.stringify(`t${BIG - 1}`));
    expect(await testClient().hget(`${d.key}:attrs`, 'k1')).to.equal('"v1"');
    expect(await testClient().hlen(`${d.key}:attrs`)).to.equal(BIG);
    expect(await testClient().pttl(`${d.key}:tags`)).to.be.within(tagsTtl - 1000, tagsTtl);
  });

  it('copies a key whole only when an operation rewrites it, and restores it', async () => {
    const d = await new Doc({ id: 'whole', tags: ['a', 'b', 'c'] }).asave();
    await testClient().hset(d.key, 'n', String(Number.MAX_SAFE_INTEGER - 1));
    await testClient().config('RESETSTAT');
    let caught: unknown;
    try {
      await rapyer.apipeline(() => {
        d.tags.setItem(0, 'x');
        d.tags.clear();
        d.n.iadd(5);
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).to.be.instanceOf(OverflowError);
    expect((caught as Error).message).to.match(/\[operation 3: /);
    if (testTopology() === 'single') {
      const stats = await testClient().info('commandstats');
      expect(stats, stats).to.match(/cmdstat_dump:calls=1,/);
    }
    expect(await testClient().lrange(`${d.key}:tags`, 0, -1)).to.deep.equal(['"a"', '"b"', '"c"']);
    expect(d.tags.toJSON()).to.deep.equal(['a', 'b', 'c']);
  });
});
