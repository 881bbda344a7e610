/** Model-level operations over collections: asave, aload, aget, afind, ainsert, aduplicate, adelete. */
import { expect } from 'chai';
import * as rapyer from '../src/index.js';
import { defineModel, field, ActionGroup, CorruptedModelError, ValidationError } from '../src/index.js';
import { testClient, testServer } from './helpers/hooks.js';
import { countCommands } from './helpers/server.js';

class M extends defineModel(
  'CollModel',
  {
    id: field.str({ key: true }),
    visits: field.int({ default: 0 }),
    tags: field.list(field.str()),
    attrs: field.dict(field.int()),
    seen: field.set(field.int()),
    jobs: field.priorityQueue(field.str()),
  },
  { ttl: 100, refreshTtl: false },
) {}

const MAIN = 'CollModel:{m1}';
const keysOf = (main: string) => [main, `${main}:tags`, `${main}:attrs`, `${main}:seen`, `${main}:jobs`];

function make(id = 'm1'): M {
  return new M({ id, tags: ['a', 'b'], attrs: { x: 1 }, seen: [1, 2] });
}

async function storedState(main = MAIN) {
  const c = testClient();
  return {
    tags: await c.lrange(`${main}:tags`, 0, -1),
    attrs: await c.hgetall(`${main}:attrs`),
    seen: (await c.smembers(`${main}:seen`)).sort(),
    jobs: await c.zrange(`${main}:jobs`, '0', '-1', 'WITHSCORES'),
  };
}

describe('collections with model-level operations', () => {
  it('defaults lists, dicts and sets to empty; a default factory gives fresh values', () => {
    const Defaults = defineModel('CollDefaults', {
      id: field.str({ key: true }),
      l: field.list(field.int(), { default: () => [1, 2] }),
      d: field.dict(field.str()),
    });
    const a = new Defaults({ id: 'a' });
    const b = new Defaults({ id: 'b' });
    a.l.append(3);
    expect([...b.l]).to.deep.equal([1, 2]);
    expect(a.d.size).to.equal(0);
    const m = new M({ id: 'm1' });
    expect(m.toJSON()).to.deep.equal({ id: 'm1', visits: 0, tags: [], attrs: {}, seen: [], jobs: undefined });
  });

  it('refuses bad collection definitions', () => {
    expect(() => field.list(field.str(), { optional: true } as never)).to.throw(ValidationError, /optional/);
    expect(() => field.list(field.model(defineModel('CollInner', { a: field.str() })) as never)).to.throw(ValidationError, /scalar field/);
    expect(() => field.dict(field.list(field.str()) as never)).to.throw(ValidationError, /scalar field/);
    expect(() => field.set(field.str({ key: true }))).to.throw(ValidationError, /key/);
  });

  it('validates collection values in the constructor and in aupdate, naming field and item', async () => {
    expect(() => new M({ id: 'm1', tags: 'abc' as never })).to.throw(ValidationError, /CollModel field "tags": expected an array/);
    expect(() => new M({ id: 'm1', tags: ['ok', 2 as never] })).to.throw(ValidationError, /field "tags\[1\]"/);
    const m = make();
    await m.asave();
    let err: unknown = null;
    try {
      await m.aupdate({ tags: ['x', 3 as never] });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(ValidationError);
    expect([...m.tags]).to.deep.equal(['a', 'b']);
    expect((await storedState()).tags).to.deep.equal(['"a"', '"b"']);
  });

  it('asave writes every collection but the priority queue, replacing what was stored', async () => {
    const m = make();
    await m.asave();
    await m.jobs.apush('j', 1);
    m.tags.removeRange(0, 1);
    m.attrs.clear();
    m.seen.add(3);
    await m.asave();
    expect(await storedState()).to.deep.equal({ tags: ['"b"'], attrs: {}, seen: ['1', '2', '3'], jobs: ['"j"', '1'] });
  });

  it('aget of a model with a list, a dict, a set and a priority queue is one round trip', async () => {
    const m = make();
    await m.asave();
    await m.jobs.apush('j', 1);
    let got: M | null = null;
    const { count, commands } = await countCommands(testServer().url, async () => {
      got = await M.aget('m1');
    });
    expect(count, commands.join(',')).to.equal(1);
    expect(got!.toJSON()).to.deep.equal(m.toJSON());
  });

  it('aload reloads the collections in place', async () => {
    const m = make();
    await m.asave();
    await testClient().rpush(`${MAIN}:tags`, '"c"');
    await testClient().hset(`${MAIN}:attrs`, 'y', '2');
    await testClient().srem(`${MAIN}:seen`, '1');
    m.tags.clear();
    await m.aload();
    expect([...m.tags]).to.deep.equal(['a', 'b', 'c']);
    expect(Object.fromEntries(m.attrs)).to.deep.equal({ x: 1, y: 2 });
    expect([...m.seen]).to.deep.equal([2]);
  });

  it('a record without a collection key loads it as empty', async () => {
    await testClient().hset(MAIN, 'id', '"m1"', 'visits', '3');
    const m = await M.aget('m1');
    expect(m.toJSON()).to.deep.equal({ id: 'm1', visits: 3, tags: [], attrs: {}, seen: [], jobs: undefined });
  });

  it('afind, afindOne and module-level aget read collections; CorruptedModelError names key and field', async () => {
    await make('m1').asave();
    await make('m2').asave();
    const found = await M.afind('m1', 'm2');
    expect(found.map((f) => [...f.tags])).to.deep.equal([
      ['a', 'b'],
      ['a', 'b'],
    ]);
    expect((await M.afindOne('m2'))!.attrs.get('x')).to.equal(1);
    const any = await rapyer.aget('CollModel:{m2}');
    expect((any as M).seen.has(2)).to.equal(true);
    await testClient().rpush('CollModel:{m2}:tags', '{"no": 1}');
    let err: unknown = null;
    try {
      await M.afind('m1', 'm2');
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(CorruptedModelError);
    expect((err as Error).message).to.match(/CollModel:\{m2\} field "tags\[2\]"/);
  });

  it('ainsert saves collections of many models (never a queue)', async () => {
    await M.ainsert(make('m1'), make('m2'));
    expect(await storedState('CollModel:{m2}')).to.deep.equal({ tags: ['"a"', '"b"'], attrs: { x: '1' }, seen: ['1', '2'], jobs: [] });
    await rapyer.ainsert(make('m3'));
    expect((await storedState('CollModel:{m3}')).tags).to.deep.equal(['"a"', '"b"']);
  });

  it('aduplicate copies the stored collections (queue included) with the TTL', async () => {
    const m = make();
    await m.asave();
    await m.jobs.apush('j', 4);
    m.tags.append('local only');
    const [c1, c2] = await m.aduplicateMany(2);
    for (const c of [c1!, c2!]) {
      expect([...c.tags]).to.deep.equal(['a', 'b']);
      expect(await storedState(c.key)).to.deep.equal(await storedState(MAIN));
      for (const k of keysOf(c.key)) expect(await testClient().pttl(k), k).to.be.above(90_000);
    }
    await c1!.tags.aappend('only in c1');
    expect((await storedState()).tags).to.deep.equal(['"a"', '"b"']);
  });

  it('adelete and adeleteMany remove every key of the model', async () => {
    const m = make();
    await m.asave();
    await m.jobs.apush('j', 1);
    expect(await m.adelete()).to.equal(true);
    expect(await testClient().keys('*')).to.deep.equal([]);
    await make('m1').asave();
    const m2 = make('m2');
    await m2.asave();
    await m2.jobs.apush('j', 1);
    expect(await M.adeleteMany('m1', m2)).to.deep.equal({ modelsDeleted: 2, keysDeleted: 9 });
    expect(await testClient().keys('*')).to.deep.equal([]);
  });

  it('aupdate and a field asave replace a collection; a field aload reloads it', async () => {
    const m = make();
    await m.asave();
    await m.aupdate({ tags: ['z'], attrs: new Map([['k', 5]]), seen: new Set([9]) });
    expect(await storedState()).to.deep.equal({ tags: ['"z"'], attrs: { k: '5' }, seen: ['9'], jobs: [] });
    expect([...m.tags]).to.deep.equal(['z']);
    expect(Object.fromEntries(m.attrs)).to.deep.equal({ k: 5 });
    await m.aupdate({ tags: [] });
    expect(await testClient().exists(`${MAIN}:tags`)).to.equal(0);
    m.seen.add(10);
    await m.seen.asave();
    expect((await storedState()).seen).to.deep.equal(['10', '9']);
  });

  it('TTL: asave keeps the remaining TTL on every key (rule 3) and rewritten keys get it (rule 4)', async () => {
    const m = make();
    await m.asave();
    for (const k of keysOf(MAIN)) await testClient().pexpire(k, 40_000);
    m.tags.append('c');
    await m.asave();
    for (const k of keysOf(MAIN).slice(0, 4)) expect(await testClient().pttl(k), k).to.be.within(30_000, 40_000);
    await m.aupdate({ attrs: { n: 1 } });
    expect(await testClient().pttl(`${MAIN}:attrs`)).to.be.within(30_000, 40_000);
  });

  it('TTL rule 1: a refresh sets every key, collections included', async () => {
    class R extends defineModel(
      'CollRefresh',
      { id: field.str({ key: true }), tags: field.list(field.str()), seen: field.set(field.int()) },
      { ttl: 100, refreshTtl: ActionGroup.FETCH },
    ) {}
    const r = new R({ id: 'r1', tags: ['a'], seen: [1] });
    await r.asave();
    for (const k of await testClient().keys('CollRefresh*')) await testClient().pexpire(k, 5000);
    await R.aget('r1');
    for (const k of await testClient().keys('CollRefresh*')) expect(await testClient().pttl(k), k).to.be.above(90_000);
  });
});
