/**
 * Field handles are made at their first use (ModelCore.handle): an instance read from Redis
 * that nobody touches builds none, and one that is used must not tell the difference.
 */
import { expect } from 'chai';
import { defineModel, field } from '../src/index.js';
import { coreOfModel } from '../src/model/base.js';
import { testClient } from './helpers/hooks.js';

const Inner = defineModel('LazyInner', { city: field.str({ default: 'x' }) });
class Lazy extends defineModel('LazyModel', {
  id: field.str({ key: true }),
  n: field.int({ default: 0 }),
  when: field.datetime({ default: () => new Date(0) }),
  tags: field.list(field.str()),
  attrs: field.dict(field.int()),
  home: field.model(Inner),
}) {}

describe('lazy field handles', () => {
  it('an instance read by afind makes no handle until a field is used, then always the same one', async () => {
    await new Lazy({ id: 'a', n: 5, tags: ['t'], attrs: { k: 1 }, home: { city: 'P' } }).asave();
    const [m] = await Lazy.afind('a');
    const core = coreOfModel(m!);
    expect(core.handles.filter((h) => h !== undefined)).to.have.length(1); // the nested model only
    expect(m!.toJSON()).to.deep.equal({ id: 'a', n: 5, when: new Date(0), tags: ['t'], attrs: { k: 1 }, home: { city: 'P' } });
    expect(core.handles[1]).to.equal(undefined); // toJSON of a scalar makes no handle
    const n = m!.n;
    expect(m!.n).to.equal(n);
    expect(n.value).to.equal(5);
    expect(m!.tags).to.equal(m!.tags);
  });

  it('toJSON of an untouched collection is a copy: changing it changes nothing', async () => {
    const m = new Lazy({ id: 'b', tags: ['t'], home: {} });
    const plain = m.toJSON() as { tags: string[] };
    plain.tags.push('changed');
    expect([...m.tags]).to.deep.equal(['t']);
    expect((m.toJSON() as { tags: string[] }).tags).to.deep.equal(['t']);
  });

  it('an untouched instance saves, increments and reloads like a touched one', async () => {
    await new Lazy({ id: 'c', n: 1, tags: ['t'], attrs: { k: 2 }, home: {} }).asave();
    const untouched = await Lazy.aget('c');
    await untouched.asave(); // encoded from the waiting values
    expect(await testClient().hgetall('LazyModel:{c}')).to.include({ id: '"c"', n: '1', when: '0', 'home.city': '"x"' });
    expect(await testClient().lrange('LazyModel:{c}:tags', 0, -1)).to.deep.equal(['"t"']);
    const other = await Lazy.aget('c');
    await other.n.aincrease(41);
    await untouched.aload(); // a scalar whose handle is not made takes the reloaded value
    expect(coreOfModel(untouched).handles[1]).to.equal(undefined);
    expect(untouched.n.value).to.equal(42);
    await other.n.aincrease(1);
    await untouched.aload(); // and one whose handle is made
    expect(untouched.n.value).to.equal(43);
    expect([...untouched.tags]).to.deep.equal(['t']);
    expect(untouched.attrs.get('k')).to.equal(2);
  });
});
