/**
 * Module-level operations (models of any class, resolved from the key) and the class-level
 * finders, duplication, generated ids and subclass binding (README, API, §8).
 */
import { expect } from 'chai';
import * as rapyer from '../src/index.js';
import { defineModel, field, init, KeyNotFound } from '../src/index.js';
import { libraryClient, testClient, dbsizeAll } from './helpers/hooks.js';

const ModUser = defineModel('ModUser', { name: field.str(), age: field.int({ default: 0 }) }, { ttl: 100 });
const ModOrder = defineModel('ModOrder', { ref: field.str({ key: true }), total: field.float({ default: 0 }) });
const ModItem = defineModel('ModItem', { label: field.str({ default: 'x' }), n: field.int({ default: 0 }) }, { ttl: 100, refreshTtl: false });
class ModSession extends defineModel('ModSession', { who: field.str({ default: 'me' }) }) {
  greet(): string {
    return `hi ${this.who.value}`;
  }
}
class ModBound extends defineModel('ModBound', { v: field.int({ default: 1 }) }) {
  twice(): number {
    return this.v.value * 2;
  }
}

async function rejected(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

describe('module-level operations', () => {
  it('aget builds the right class from the key', async () => {
    const u = new ModUser({ name: 'Ann', age: 3 });
    const o = new ModOrder({ ref: 'o1', total: 9.5 });
    await u.asave();
    await o.asave();
    const gotU = await rapyer.aget(u.key);
    const gotO = await rapyer.aget('ModOrder:{o1}');
    expect(gotU).to.be.instanceOf(ModUser);
    expect(gotO).to.be.instanceOf(ModOrder);
    expect(gotU.toJSON()).to.deep.equal({ name: 'Ann', age: 3 });
    expect(gotO.pk).to.equal('o1');
    expect(await rejected(rapyer.aget('ModUser:{nobody}'))).to.be.instanceOf(KeyNotFound);
    expect(await rejected(rapyer.aget('Unknown:{x}'))).to.be.instanceOf(KeyNotFound);
    expect(await rejected(rapyer.aexists('Unknown:{x}')), 'rejects, never throws synchronously').to.be.instanceOf(KeyNotFound);
  });

  it('afind keeps the order of mixed classes; a missing key throws unless skipMissing', async () => {
    const [u1, u2] = [new ModUser({ name: 'a' }), new ModUser({ name: 'b' })];
    const o = new ModOrder({ ref: 'o2' });
    await rapyer.ainsert(u1, o, u2);
    const found = await rapyer.afind(u2.key, o.key, u1.key);
    expect(found.map((m) => m.key)).to.deep.equal([u2.key, o.key, u1.key]);
    expect(found[1]).to.be.instanceOf(ModOrder);
    const missing = 'ModOrder:{none}';
    expect(await rejected(rapyer.afind(u1.key, missing))).to.be.instanceOf(KeyNotFound);
    const skipped = await rapyer.afind(missing, u1.key, o.key, { skipMissing: true });
    expect(skipped.map((m) => m.key)).to.deep.equal([u1.key, o.key]);
  });

  it('afindOne answers the first stored model or null; aexists', async () => {
    const o = new ModOrder({ ref: 'o3' });
    await o.asave();
    expect((await rapyer.afindOne('ModOrder:{none}', o.key))?.key).to.equal(o.key);
    expect(await rapyer.afindOne('ModOrder:{none}')).to.equal(null);
    expect(await rapyer.aexists(o.key)).to.equal(true);
    expect(await rapyer.aexists('ModOrder:{none}')).to.equal(false);
  });

  it('ainsert saves models of several classes', async () => {
    const ms = [new ModUser({ name: 'x' }), new ModOrder({ ref: 'o4', total: 1 }), new ModItem()];
    expect(await rapyer.ainsert(...ms)).to.deep.equal(ms);
    expect(await dbsizeAll()).to.equal(3);
    expect(await testClient().hget('ModOrder:{o4}', 'total')).to.equal('1');
  });

  it('adeleteMany counts models and keys, across classes, missing ones included', async () => {
    const u = new ModUser({ name: 'x' });
    const o = new ModOrder({ ref: 'o5' });
    await rapyer.ainsert(u, o);
    expect(await rapyer.adeleteMany(u, o.key, 'ModUser:{none}')).to.deep.equal({ modelsDeleted: 2, keysDeleted: 2, byModel: { ModUser: 1, ModOrder: 1 } });
    expect(await rapyer.adeleteMany(u, o.key)).to.deep.equal({ modelsDeleted: 0, keysDeleted: 0, byModel: { ModUser: 0, ModOrder: 0 } });
    expect(await dbsizeAll()).to.equal(0);
  });
});

describe('class-level finders', () => {
  it('afind() with no keys returns every stored model of the class, and only those', async () => {
    const items = [1, 2, 3, 4, 5].map((n) => new ModItem({ n }));
    await ModItem.ainsert(...items);
    await new ModUser({ name: 'other' }).asave();
    await testClient().set('ModItem:{loose}:not-a-main-key', '1');
    const all = await ModItem.afind();
    expect(all.map((m) => m.n.value).sort()).to.deep.equal([1, 2, 3, 4, 5]);
    for (const m of all) expect(m).to.be.instanceOf(ModItem);
    expect(await ModItem.afind({ maxResults: 2 })).to.have.length(2);
    expect(await ModItem.afind(items[0]!.key, items[1]!.pk, { maxResults: 1 })).to.have.length(1);
  });

  it('afindOne answers a model or null', async () => {
    expect(await ModItem.afindOne()).to.equal(null);
    const it1 = new ModItem({ n: 7 });
    await it1.asave();
    expect((await ModItem.afindOne())?.n.value).to.equal(7);
    expect((await ModItem.afindOne('nope', it1.pk))?.key).to.equal(it1.key);
    expect(await ModItem.afindOne('nope')).to.equal(null);
  });

  it('afindKeys lists the main keys of the class (SCAN), with maxResults', async () => {
    const items = Array.from({ length: 30 }, (_v, n) => new ModItem({ n }));
    await ModItem.ainsert(...items);
    await new ModUser({ name: 'u' }).asave();
    const keys = await ModItem.afindKeys();
    expect(keys.sort()).to.deep.equal(items.map((m) => m.key).sort());
    expect(await ModItem.afindKeys({ maxResults: 4 })).to.have.length(4);
  });
});

describe('aduplicateMany', () => {
  it('makes distinct ids holding the stored state (not the local one), each with the TTL', async () => {
    const src = new ModItem({ label: 'stored', n: 1 });
    await src.asave();
    await testClient().pexpire(src.key, 5000);
    src.label.value = 'local only';
    const copies = await src.aduplicateMany(3);
    expect(new Set([src.pk, ...copies.map((c) => c.pk)]).size).to.equal(4);
    for (const c of copies) {
      expect(c).to.be.instanceOf(ModItem);
      expect(c.toJSON()).to.deep.equal({ label: 'stored', n: 1 });
      expect((await ModItem.aget(c.pk)).toJSON()).to.deep.equal({ label: 'stored', n: 1 });
      expect(await testClient().pttl(c.key)).to.be.within(90000, 100000);
    }
    expect(await testClient().pttl(src.key), 'source keeps its TTL').to.be.within(1, 5000);
  });

  it('gives copies of a model with a str key field their new key in the field', async () => {
    const o = new ModOrder({ ref: 'orig', total: 2 });
    await o.asave();
    const [c] = await o.aduplicateMany(1);
    expect(c!.ref.value).to.equal(c!.pk);
    expect(c!.pk).not.to.equal('orig');
    expect((await ModOrder.aget(c!.pk)).toJSON()).to.deep.equal({ ref: c!.pk, total: 2 });
  });
});

describe('generated ids', () => {
  it('are 26 URL-safe characters that sort by creation', async () => {
    const ids = Array.from({ length: 2000 }, () => new ModItem().pk);
    for (const id of ids) expect(id).to.match(/^[0-9A-Z]{26}$/);
    expect(new Set(ids).size).to.equal(ids.length);
    expect([...ids].sort()).to.deep.equal(ids);
    const before = new ModItem().pk;
    await new Promise((r) => setTimeout(r, 5));
    expect(new ModItem().pk > before).to.equal(true);
    expect(encodeURIComponent(before)).to.equal(before);
  });
});

describe('subclasses', () => {
  it('class X extends defineModel(...): X.aget returns an X', async () => {
    const s = new ModSession({ who: 'Bea' });
    await s.asave();
    const got = await ModSession.aget(s.pk);
    expect(got).to.be.instanceOf(ModSession);
    expect(got.greet()).to.equal('hi Bea');
    expect((await ModSession.afind())[0]).to.be.instanceOf(ModSession);
  });

  it('after init({ redis, models: [X] }), module-level aget returns an X', async () => {
    await init({ redis: libraryClient(), models: [ModBound] });
    const b = new ModBound({ v: 21 });
    await b.asave();
    const got = await rapyer.aget(b.key);
    expect(got).to.be.instanceOf(ModBound);
    expect((got as ModBound).twice()).to.equal(42);
    expect((await rapyer.afind(b.key))[0]).to.be.instanceOf(ModBound);
  });
});
