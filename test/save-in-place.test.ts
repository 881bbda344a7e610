/**
 * model/save writes the hash in place and tells from HSET's count and HLEN whether the model
 * existed: the stored hash holds exactly the payload's fields afterwards, whatever was there, and
 * the TTL follows the rules (README, TTL rules: created → the model's TTL; refreshed when the
 * groups meet the mask; otherwise the remaining TTL is kept, even when the hash is rewritten).
 */
import { expect } from 'chai';
import { defineModel, field } from '../src/index.js';
import { testClient } from './helpers/hooks.js';

const shape = { id: field.str({ key: true }), a: field.int({ default: 1 }), tags: field.list(field.str()) };
class Kept extends defineModel('SaveKept', shape, { ttl: 100, refreshTtl: false }) {}
class Fresh extends defineModel('SaveFresh', shape, { ttl: 100 }) {}

const fields = async (key: string) => Object.keys(await testClient().hgetall(key)).sort();

describe('model/save in place', () => {
  it("a new model: created, with the model's TTL on every key, even when nothing refreshes", async () => {
    await new Kept({ id: 'n', tags: ['x'] }).asave();
    const r = testClient();
    expect(await fields('SaveKept:{n}')).to.deep.equal(['a', 'id']);
    expect(await r.pttl('SaveKept:{n}')).to.be.within(99_000, 100_000);
    expect(await r.pttl('SaveKept:{n}:tags')).to.be.within(99_000, 100_000);
  });

  it('fields of an older shape are removed, and the remaining TTL is kept (no refresh)', async () => {
    const m = await new Kept({ id: 'o', tags: ['x'] }).asave();
    const r = testClient();
    await r.hset('SaveKept:{o}', 'gone', '1', 'old', '"x"');
    await r.pexpire('SaveKept:{o}', 50_000);
    await r.pexpire('SaveKept:{o}:tags', 50_000);
    m.a.value = 7;
    await m.asave();
    expect(await r.hgetall('SaveKept:{o}')).to.deep.equal({ id: '"o"', a: '7' });
    expect(await r.pttl('SaveKept:{o}')).to.be.within(40_000, 50_000);
    expect(await r.pttl('SaveKept:{o}:tags')).to.be.within(40_000, 50_000);
  });

  it('a main key of another type is replaced by the hash, keeping its remaining TTL (no refresh)', async () => {
    const r = testClient();
    await r.set('SaveKept:{s}', 'not a hash', 'PX', 50_000);
    await new Kept({ id: 's', tags: [] }).asave();
    expect(await r.type('SaveKept:{s}')).to.equal('hash');
    expect(await fields('SaveKept:{s}')).to.deep.equal(['a', 'id']);
    expect(await r.pttl('SaveKept:{s}')).to.be.within(40_000, 50_000);
  });

  it('a stored model saved again: the hash holds the payload, the TTL is refreshed when asave meets the mask', async () => {
    const m = await new Fresh({ id: 'f', tags: ['x'] }).asave();
    const r = testClient();
    await r.hset('SaveFresh:{f}', 'gone', '1');
    await r.pexpire('SaveFresh:{f}', 50_000);
    await r.pexpire('SaveFresh:{f}:tags', 50_000);
    await m.asave();
    expect(await fields('SaveFresh:{f}')).to.deep.equal(['a', 'id']);
    expect(await r.pttl('SaveFresh:{f}')).to.be.within(99_000, 100_000);
    expect(await r.pttl('SaveFresh:{f}:tags')).to.be.within(99_000, 100_000);
    expect(await r.lrange('SaveFresh:{f}:tags', 0, -1)).to.deep.equal(['"x"']);
  });

  it('a stored model saved again without refresh keeps its TTL; a model without TTL gets none', async () => {
    const m = await new Kept({ id: 'k', tags: [] }).asave();
    const r = testClient();
    await r.pexpire('SaveKept:{k}', 50_000);
    await m.asave();
    expect(await r.pttl('SaveKept:{k}')).to.be.within(40_000, 50_000);
    class NoTtl extends defineModel('SaveNoTtl', shape) {}
    await new NoTtl({ id: 'z', tags: ['y'] }).asave();
    expect(await r.pttl('SaveNoTtl:{z}')).to.equal(-1);
    expect(await r.pttl('SaveNoTtl:{z}:tags')).to.equal(-1);
  });
});
