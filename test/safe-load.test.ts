/**
 * Safe loading: a field (or every field of a model) with `safeLoad: true` whose stored value no
 * longer validates loads as its default, and `model.failedFields` names it; `afind` with
 * `skipCorrupted: true` leaves out models that do not validate instead of failing the call.
 */
import { expect } from 'chai';
import * as rapyer from '../src/index.js';
import { CorruptedModelError, ValidationError, defineModel, field } from '../src/index.js';
import { testClient } from './helpers/hooks.js';
import { expectReject } from './helpers/reject.js';

const SafeAddr = defineModel('SafeAddr', { city: field.str({ default: 'Paris', safeLoad: true }) });
class Doc extends defineModel('SafeDoc', {
  id: field.str({ key: true }),
  n: field.int({ default: 0, safeLoad: true }),
  strict: field.int({ default: 0 }),
  tags: field.list(field.int(), { safeLoad: true }),
  address: field.model(SafeAddr),
}) {}
class Whole extends defineModel('SafeWhole', { id: field.str({ key: true }), a: field.int({ default: 1 }), b: field.dict(field.int()) }, { safeLoad: true }) {}

describe('safe loading', () => {
  it('a safeLoad field that does not validate loads as its default and is named in failedFields', async () => {
    const d = await new Doc({ id: 'd1', n: 5, tags: [1, 2], address: { city: 'Oslo' } }).asave();
    await testClient().hset(d.key, 'n', '"not a number"', 'address.city', '12');
    await testClient().rpush(`${d.key}:tags`, '"x"');
    const got = await Doc.aget('d1');
    expect(got.n.value).to.equal(0);
    expect([...got.tags]).to.deep.equal([]);
    expect(got.address.city.value).to.equal('Paris');
    expect([...got.failedFields].sort()).to.deep.equal(['address.city', 'n', 'tags']);
    expect(got.strict.value).to.equal(0);
  });

  it('a field without safeLoad still fails the whole model; a clean load has no failed fields', async () => {
    const d = await new Doc({ id: 'd2', address: {} }).asave();
    expect((await Doc.aget('d2')).failedFields).to.deep.equal([]);
    await testClient().hset(d.key, 'strict', '1.5');
    await expectReject(Doc.aget('d2'), CorruptedModelError, /strict/);
  });

  it('aload sets failedFields too, and a later clean load clears them', async () => {
    const d = await new Doc({ id: 'd3', address: {} }).asave();
    await testClient().hset(d.key, 'n', 'true');
    await d.aload();
    expect(d.failedFields).to.deep.equal(['n']);
    await d.n.asave(); // writes the default back
    await d.aload();
    expect(d.failedFields).to.deep.equal([]);
  });

  it('the model option makes every field load safely', async () => {
    const w = await new Whole({ id: 'w1', a: 3, b: { k: 1 } }).asave();
    await testClient().hset(w.key, 'a', '"x"');
    await testClient().hset(`${w.key}:b`, 'k', '"y"');
    const got = await Whole.aget('w1');
    expect(got.toJSON()).to.deep.equal({ id: 'w1', a: 1, b: {} });
    expect([...got.failedFields].sort()).to.deep.equal(['a', 'b']);
  });

  it('afind with skipCorrupted leaves out models that do not validate (keys, scan and module forms)', async () => {
    await Doc.ainsert(new Doc({ id: 'f1', address: {} }), new Doc({ id: 'f2', address: {} }), new Doc({ id: 'f3', address: {} }));
    await testClient().hset('SafeDoc:{f2}', 'strict', '"bad"');
    await expectReject(Doc.afind('f1', 'f2', 'f3'), CorruptedModelError);
    expect((await Doc.afind('f1', 'f2', 'f3', { skipCorrupted: true })).map((m) => m.pk)).to.deep.equal(['f1', 'f3']);
    expect((await Doc.afind({ skipCorrupted: true })).map((m) => m.pk).sort()).to.deep.equal(['f1', 'f3']);
    expect((await rapyer.afind('SafeDoc:{f2}', 'SafeDoc:{f3}', { skipCorrupted: true })).map((m) => m.pk)).to.deep.equal(['f3']);
    await expectReject(Doc.afind({ skipCorrupted: 'yes' as never }), ValidationError, /skipCorrupted/);
  });
});
