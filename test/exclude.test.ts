/**
 * Fields that are not stored (`exclude: true`, the reference's Field(exclude=True)): kept locally,
 * never written to Redis nor read from it; a loaded model holds their default.
 */
import { expect } from 'chai';
import { UnsupportedArgumentError, defineModel, field } from '../src/index.js';
import { testClient } from './helpers/hooks.js';

const Where = defineModel('ExclWhere', { city: field.str({ default: '' }), note: field.str({ default: 'n/a', exclude: true }) });
class Item extends defineModel('ExclItem', {
  id: field.str({ key: true }),
  n: field.int({ default: 0 }),
  scratch: field.str({ default: '', exclude: true }),
  cache: field.list(field.int(), { exclude: true }),
  where: field.model(Where),
}) {}

describe('fields that are not stored', () => {
  it('are kept locally, never written, and load as their default', async () => {
    const it1 = new Item({ id: 'e1', n: 2, scratch: 'temp', cache: [1, 2], where: { city: 'Oslo', note: 'local' } });
    await it1.asave();
    expect(await testClient().hgetall(it1.key)).to.deep.equal({ id: '"e1"', n: '2', 'where.city': '"Oslo"' });
    expect(await testClient().exists(`${it1.key}:cache`)).to.equal(0);
    expect(it1.scratch.value).to.equal('temp');
    const got = await Item.aget('e1');
    expect([got.scratch.value, [...got.cache], got.where.note.value]).to.deep.equal(['', [], 'n/a']);
    await it1.aload();
    expect(it1.scratch.value).to.equal('temp'); // a reload does not touch a local-only field
  });

  it('aupdate changes them locally only', async () => {
    const it2 = await new Item({ id: 'e2', where: {} }).asave();
    await it2.aupdate({ scratch: 'x', n: 5 });
    expect(it2.scratch.value).to.equal('x');
    expect(await testClient().hgetall(it2.key)).to.deep.equal({ id: '"e2"', n: '5', 'where.city': '""' });
  });

  it('a key field, a nested model or a priority queue cannot be excluded', () => {
    expect(() => defineModel('ExclBad1', { id: field.str({ key: true, exclude: true }) })).to.throw(UnsupportedArgumentError);
    expect(() => defineModel('ExclBad2', { w: field.model(Where, { exclude: true } as never) })).to.throw(UnsupportedArgumentError);
  });
});
