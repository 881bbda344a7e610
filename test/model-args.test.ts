/**
 * What a model instance and its handles tell about themselves (README, API), and arguments the
 * class operations refuse before sending: a typed error naming the model, nothing written.
 */
import { expect } from 'chai';
import { ainsert, defineModel, field, isRapyerError, KeyNotFound, UnsupportedArgumentError, ValidationError } from '../src/index.js';
import { allKeys } from './helpers/hooks.js';
import { expectReject } from './helpers/reject.js';

const Addr = defineModel('ArgsAddr', {
  city: field.str({ default: '' }),
  tags: field.list(field.str()),
  codes: field.set(field.int()),
  extra: field.dict(field.int()),
});

const Person = defineModel('ArgsPerson', {
  id: field.str({ key: true }),
  tags: field.list(field.str()),
  codes: field.set(field.int()),
  extra: field.dict(field.int()),
  home: field.model(Addr),
});

const Numbered = defineModel('ArgsNumbered', { id: field.int({ key: true }), n: field.int({ default: 0 }) });
const Other = defineModel('ArgsOther', { n: field.int({ default: 0 }) });

describe('model instances and handles', () => {
  it('a model and its nested models name the root model; collection handles know their dotted path and spec', () => {
    const p = new Person({ id: 'p', home: {} });
    expect(p.modelName).to.equal('ArgsPerson');
    expect(p.home.modelName, 'a nested model answers the name in its key: its root').to.equal('ArgsPerson');
    expect(p.home.key).to.equal('ArgsPerson:{p}');
    expect([p.tags.path, p.codes.path, p.extra.path]).to.deep.equal(['tags', 'codes', 'extra']);
    expect([p.home.tags.path, p.home.codes.path, p.home.extra.path]).to.deep.equal(['home.tags', 'home.codes', 'home.extra']);
    expect([p.tags.spec.kind, p.codes.spec.kind, p.extra.spec.kind]).to.deep.equal(['list', 'set', 'dict']);
    expect(p.home.tags.spec).to.equal(Addr.schema.shape.tags);
    expect(p.extra.spec).to.equal(Person.schema.shape.extra);
  });

  it('aduplicate and aduplicateMany of a model keyed by an int are UnsupportedArgumentError naming the key field; nothing written', async () => {
    const m = await new Numbered({ id: 7, n: 1 }).asave();
    for (const run of [() => m.aduplicate(), () => m.aduplicateMany(2)]) {
      const e = await expectReject(run(), UnsupportedArgumentError, /ArgsNumbered:\{7\} aduplicateMany: the key field id is not a str/);
      expect(e.message).to.include('no new id');
    }
    expect(await allKeys('ArgsNumbered:*')).to.deep.equal(['ArgsNumbered:{7}']);
  });

  it('ainsert of something that is not an instance of the class is a ValidationError naming the class; nothing written', async () => {
    const ok = new Person({ id: 'ok', home: {} });
    const stranger = new Other({ n: 1 });
    await expectReject(Person.ainsert(ok, stranger as never), ValidationError, /^ArgsPerson\.ainsert: .* is not a ArgsPerson$/);
    await expectReject(Person.ainsert(ok, { id: 'plain' } as never), ValidationError, /is not a ArgsPerson/);
    await expectReject(ainsert(ok, 42 as never), ValidationError, /^ainsert: 42 is not a model$/);
    expect(await allKeys('Args*')).to.deep.equal([]);
  });
});

describe('isRapyerError', () => {
  it('narrows by class and, when given, by code', () => {
    const e = new KeyNotFound('X:{1} aget: the model is not stored');
    expect(isRapyerError(e)).to.equal(true);
    expect(isRapyerError(e, 'KEY_NOT_FOUND')).to.equal(true);
    expect(isRapyerError(e, 'VALIDATION')).to.equal(false);
    expect(isRapyerError(new Error('plain'))).to.equal(false);
    expect(isRapyerError({ code: 'KEY_NOT_FOUND', message: 'look-alike' }, 'KEY_NOT_FOUND')).to.equal(false);
    expect(isRapyerError(null)).to.equal(false);
  });

  it('narrows the errors operations reject with', async () => {
    let caught: unknown = null;
    try {
      await Person.aget('missing');
    } catch (error) {
      caught = error;
    }
    expect(isRapyerError(caught, 'KEY_NOT_FOUND')).to.equal(true);
    if (isRapyerError(caught, 'KEY_NOT_FOUND')) expect(caught.code).to.equal('KEY_NOT_FOUND');
  });
});
