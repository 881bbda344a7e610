/**
 * A model's schema (README, Models and fields; Storage layout): field names and key fields are
 * checked when the model is defined; nested models are flattened into their parent's keys, a
 * nested scalar under `${name}.` in the main hash and a nested collection in `${main}:${path}`.
 */
import { expect } from 'chai';
import { defineModel, field, ValidationError } from '../src/index.js';
import { allKeys, testClient } from './helpers/hooks.js';

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

let n = 0;
const fresh = () => `SchemaDef${(n += 1)}`;

describe('model schemas', () => {
  describe('field names', () => {
    for (const name of ['asave', 'aload', 'pk', 'key', 'then', 'constructor', 'Meta', 'a.b', 'a-b', '1x', 'with space']) {
      it(`refuses the field name ${JSON.stringify(name)} naming the model and the field`, () => {
        const model = fresh();
        const e = thrown(() => defineModel(model, { [name]: field.int() }));
        expect(e).to.be.instanceOf(ValidationError);
        expect(e.message)
          .to.include(model)
          .and.include(name)
          .and.match(/cannot be a field name/);
      });
    }

    it('accepts identifiers with $ and _', () => {
      const M = defineModel(fresh(), { $a: field.int({ default: 1 }), _b: field.str({ default: 'x' }) });
      const m = new M({});
      expect(m.toJSON()).to.deep.equal({ $a: 1, _b: 'x' });
    });
  });

  describe('key fields', () => {
    it('refuses two key fields, naming both', () => {
      const e = thrown(() => defineModel(fresh(), { a: field.str({ key: true }), b: field.int({ key: true }) }));
      expect(e).to.be.instanceOf(ValidationError);
      expect(e.message).to.match(/two key fields, a and b/);
    });

    for (const [what, spec] of [
      ['a float', () => field.float({ key: true })],
      ['a bool', () => field.bool({ key: true })],
      ['an optional str', () => field.str({ key: true, optional: true })],
    ] as const) {
      it(`refuses ${what} as the key field`, () => {
        const e = thrown(() => defineModel(fresh(), { id: spec() }));
        expect(e).to.be.instanceOf(ValidationError);
        expect(e.message).to.match(/the key field id must be a str or int field that is not optional/);
      });
    }

    it('an int key field gives the pk, and the key', async () => {
      const M = defineModel('SchemaIntKey', { id: field.int({ key: true }), v: field.str({ default: '' }) });
      const m = await new M({ id: 42, v: 'x' }).asave();
      expect(m.pk).to.equal('42');
      expect(m.key).to.equal('SchemaIntKey:{42}');
      expect((await M.aget('42')).v.value).to.equal('x');
    });
  });

  describe('nested models', () => {
    const Inner = defineModel('SchemaInner', {
      city: field.str({ default: '' }),
      tags: field.list(field.str()),
    });
    const Outer = defineModel('SchemaOuter', {
      id: field.str({ key: true }),
      name: field.str({ default: '' }),
      address: field.model(Inner),
      scores: field.dict(field.int()),
    });

    it('flattens nested scalars into the main hash and nested collections into their own keys', async () => {
      const o = new Outer({ id: 'p1', name: 'n', address: { city: 'Paris', tags: ['a', 'b'] }, scores: { x: 1 } });
      await o.asave();
      const c = testClient();
      expect(await c.hgetall('SchemaOuter:{p1}')).to.deep.equal({ id: '"p1"', name: '"n"', 'address.city': '"Paris"' });
      expect(await c.lrange('SchemaOuter:{p1}:address.tags', 0, -1)).to.deep.equal(['"a"', '"b"']);
      expect(await c.hgetall('SchemaOuter:{p1}:scores')).to.deep.equal({ x: '1' });
      expect((await allKeys('SchemaOuter:*')).sort()).to.deep.equal(['SchemaOuter:{p1}', 'SchemaOuter:{p1}:address.tags', 'SchemaOuter:{p1}:scores']);
    });

    it('a nested model saves and loads only what is under its path', async () => {
      const o = new Outer({ id: 'p2', name: 'n', address: { city: 'Paris', tags: ['a'] } });
      await o.asave();
      const c = testClient();
      await c.hset('SchemaOuter:{p2}', 'name', '"changed"', 'address.city', '"Rome"');
      await c.rpush('SchemaOuter:{p2}:address.tags', '"z"');
      await o.address.aload();
      expect(o.address.city.value).to.equal('Rome');
      expect(o.address.tags.toJSON()).to.deep.equal(['a', 'z']);
      expect(o.name.value, 'a field outside the nested path is left alone').to.equal('n');
      o.address.city.value = 'Oslo';
      o.name.value = 'local';
      await o.address.asave();
      expect(await c.hget('SchemaOuter:{p2}', 'address.city')).to.equal('"Oslo"');
      expect(await c.hget('SchemaOuter:{p2}', 'name'), 'only the nested path is written').to.equal('"changed"');
    });

    it('a nested model given as an instance is taken by value', async () => {
      const inner = new Inner({ city: 'Lyon', tags: ['t'] });
      const o = await new Outer({ id: 'p3', address: inner as never }).asave();
      expect(o.address).not.to.equal(inner);
      expect(o.address.city.value).to.equal('Lyon');
      inner.city.value = 'changed later';
      expect(o.address.city.value).to.equal('Lyon');
      expect(await testClient().hget('SchemaOuter:{p3}', 'address.city')).to.equal('"Lyon"');
      expect(await testClient().lrange('SchemaOuter:{p3}:address.tags', 0, -1)).to.deep.equal(['"t"']);
    });
  });
});
