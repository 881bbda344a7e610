/**
 * Local values at their edges (README, Models and fields; Collections): float floor division
 * rounds as Python does near an integer, locally and in Lua; a JSON field refuses a value nested
 * too deep to store; a set's delete of a value the set cannot hold is false and sends nothing;
 * only element keys and `length` of a list do any work.
 */
import { expect } from 'chai';
import * as rapyer from '../src/index.js';
import { defineModel, field, ValidationError } from '../src/index.js';
import { testClient } from './helpers/hooks.js';

const Num = defineModel('LocalEdgeNum', { id: field.str({ key: true }), f: field.float({ default: 0 }) });
const Doc = defineModel('LocalEdgeDoc', { id: field.str({ key: true }), data: field.json({ optional: true }) });
const Bag = defineModel('LocalEdgeBag', {
  id: field.str({ key: true }),
  codes: field.set(field.int()),
  items: field.list(field.str()),
});

function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i += 1) v = i % 2 ? { k: v } : [v];
  return v;
}

describe('local values at their edges', () => {
  // Python: 0.3 // 0.01 == 29.0 and 0.7 // 0.06 == 11.0, where Math.floor(a / b) gives 30 and 11,
  // and floor((a - a % b) / b) alone 28 and 10.
  for (const [a, b, expected] of [
    [0.3, 0.01, 29],
    [0.6, 0.02, 29],
    [0.7, 0.06, 11],
    [0.9, 0.03, 30],
  ] as const) {
    it(`float ${a} ifloordiv ${b} is ${expected}, as in Python, locally and through a pipeline`, async () => {
      const local = new Num({ id: 'l', f: a });
      local.f.ifloordiv(b);
      expect(local.f.value).to.equal(expected);
      const m = await new Num({ id: `p${a}${b}`, f: a }).asave();
      await rapyer.apipeline(async () => {
        m.f.ifloordiv(b);
      });
      expect(Number(await testClient().hget(m.key, 'f'))).to.equal(expected);
      expect(m.f.value).to.equal(expected);
    });
  }

  it('a JSON field takes a value nested 200 deep, and refuses one nested deeper, naming the field', async () => {
    const ok = await new Doc({ id: 'deep', data: nested(200) as never }).asave();
    expect((await Doc.aget('deep')).toJSON().data).to.deep.equal(nested(200));
    expect(() => new Doc({ id: 'deeper', data: nested(201) as never })).to.throw(ValidationError, /data/);
    expect(() => {
      ok.data.value = nested(300) as never;
    }).to.throw(ValidationError, /data/);
    expect(ok.data.value).to.deep.equal(nested(200));
  });

  it("a set's delete of a value it cannot hold is false, changes nothing and queues nothing", async () => {
    const b = await new Bag({ id: 'd', codes: [1, 2] }).asave();
    await rapyer.apipeline(async () => {
      expect(b.codes.delete('x' as never)).to.equal(false);
      expect(b.codes.delete(1.5 as never)).to.equal(false);
      expect(b.codes.delete(3)).to.equal(false);
    });
    expect([...b.codes].sort()).to.deep.equal([1, 2]);
    expect((await testClient().smembers('LocalEdgeBag:{d}:codes')).sort()).to.deep.equal(['1', '2']);
  });

  it('a list property that is not an element (a symbol, "01", "1.5", a name) is a plain property: no item changes', async () => {
    const b = await new Bag({ id: 'l', items: ['a', 'b'] }).asave();
    const list = b.items as unknown as Record<string | symbol, unknown>;
    const sym = Symbol('tag');
    await rapyer.apipeline(async () => {
      list[sym] = 'mark';
      list['01'] = 'x';
      list['1.5'] = 'y';
      list.custom = 'z';
    });
    expect(list[sym]).to.equal('mark');
    expect(list.custom).to.equal('z');
    expect(delete list.custom).to.equal(true);
    expect(delete list['01']).to.equal(true);
    expect(list.custom).to.equal(undefined);
    expect(b.items.toJSON()).to.deep.equal(['a', 'b']);
    expect(b.items.length).to.equal(2);
    expect(await testClient().lrange('LocalEdgeBag:{l}:items', 0, -1)).to.deep.equal(['"a"', '"b"']);
  });
});
