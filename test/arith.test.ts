/**
 * In-place arithmetic (README, API): the sync methods change only the local copy, with Python's
 * semantics; refused operations change nothing, locally or in Redis.
 */
import { expect } from 'chai';
import { defineModel, field, OverflowError, UnsupportedArgumentError, ValidationError, ZeroDivisionError } from '../src/index.js';
import { testClient } from './helpers/hooks.js';

const ArithModel = defineModel('ArithModel', {
  i: field.int({ default: 0 }),
  f: field.float({ default: 0 }),
  s: field.str({ default: '' }),
  b: field.bytes({ default: () => new Uint8Array() }),
  d: field.datetime({ default: () => new Date(0) }),
  maybe: field.int({ optional: true }),
});

type Arith = InstanceType<typeof ArithModel>;
const MAX = Number.MAX_SAFE_INTEGER;

async function stored(values: Partial<{ i: number; f: number; s: string }> = {}): Promise<Arith> {
  const m = new ArithModel(values);
  await m.asave();
  return m;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

async function rejected(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

describe('in-place arithmetic', () => {
  describe('sync methods change only the local copy', () => {
    it('int, float, str, bytes, datetime: Redis keeps the stored values', async () => {
      const m = await stored({ i: 5, f: 1.5, s: 'ab' });
      const before = await testClient().hgetall(m.key);
      m.i.iadd(3).isub(1).imul(2);
      m.f.iadd(1).itruediv(4);
      m.s.iadd('c').imul(2);
      m.b.iadd(new Uint8Array([1]));
      m.d.iadd(10);
      expect(m.toJSON()).to.include({ i: 14, f: 0.625, s: 'abcabc' });
      expect(await testClient().hgetall(m.key)).to.deep.equal(before);
      expect(await testClient().hget(m.key, 'i')).to.equal('5');
    });

    it('asave persists the local result', async () => {
      const m = await stored({ i: 5 });
      m.i.imul(3);
      await m.asave();
      expect(await testClient().hget(m.key, 'i')).to.equal('15');
      expect((await ArithModel.aget(m.pk)).i.value).to.equal(15);
    });
  });

  describe('Python semantics (int)', () => {
    const cases: [number, 'ifloordiv' | 'imod' | 'ipow' | 'iadd' | 'isub' | 'imul', number, number][] = [
      [-7, 'ifloordiv', 2, -4],
      [7, 'ifloordiv', -2, -4],
      [-7, 'ifloordiv', -2, 3],
      [7, 'ifloordiv', 2, 3],
      [-7, 'imod', 2, 1],
      [7, 'imod', -2, -1],
      [-7, 'imod', -2, -1],
      [7, 'imod', 2, 1],
      [-6, 'imod', 3, 0],
      [3, 'ipow', 4, 81],
      [-2, 'ipow', 3, -8],
      [5, 'ipow', 0, 1],
      [2, 'isub', 5, -3],
      [-4, 'imul', 0, 0],
    ];
    for (const [a, op, b, want] of cases) {
      it(`${a} ${op} ${b} == ${want}`, () => {
        const m = new ArithModel({ i: a });
        m.i[op](b);
        expect(m.i.value).to.equal(want);
        expect(Object.is(m.i.value, -0), 'no -0').to.equal(false);
      });
    }
  });

  describe('Python semantics (float)', () => {
    const cases: [number, 'ifloordiv' | 'imod' | 'ipow' | 'itruediv', number, number][] = [
      [-7.5, 'ifloordiv', 2, -4],
      [7.5, 'ifloordiv', -2, -4],
      [7.5, 'ifloordiv', 2, 3],
      [-7.5, 'imod', 2, 0.5],
      [7.5, 'imod', -2, -0.5],
      [7.5, 'imod', 2, 1.5],
      [2, 'ipow', 0.5, Math.SQRT2],
      [2, 'ipow', -1, 0.5],
      [1, 'itruediv', 4, 0.25],
      [-7, 'itruediv', 2, -3.5],
    ];
    for (const [a, op, b, want] of cases) {
      it(`${a} ${op} ${b} == ${want}`, () => {
        const m = new ArithModel({ f: a });
        m.f[op](b);
        expect(m.f.value).to.equal(want);
      });
    }
  });

  describe('refused operations change nothing', () => {
    it('ZeroDivisionError on ifloordiv(0), imod(0) (int and float) and itruediv(0)', () => {
      const m = new ArithModel({ i: 7, f: 2.5 });
      for (const op of [() => m.i.ifloordiv(0), () => m.i.imod(0), () => m.f.ifloordiv(0), () => m.f.imod(0), () => m.f.itruediv(0)]) {
        const err = thrown(op);
        expect(err).to.be.instanceOf(ZeroDivisionError);
        expect((err as Error).message).to.match(/ArithModel.*"(i|f)"/);
      }
      expect(m.i.value).to.equal(7);
      expect(m.f.value).to.equal(2.5);
    });

    it('OverflowError beyond the safe integers on iadd, isub, imul, ipow', () => {
      const m = new ArithModel({ i: MAX });
      for (const op of [() => m.i.iadd(1), () => m.i.imul(2), () => m.i.ipow(2)]) {
        expect(thrown(op)).to.be.instanceOf(OverflowError);
        expect(m.i.value).to.equal(MAX);
      }
      const n = new ArithModel({ i: -MAX });
      expect(thrown(() => n.i.isub(1))).to.be.instanceOf(OverflowError);
      expect(n.i.value).to.equal(-MAX);
      const p = new ArithModel({ i: 2 });
      expect(thrown(() => p.i.ipow(60))).to.be.instanceOf(OverflowError);
      expect(p.i.value).to.equal(2);
      p.i.ipow(52);
      expect(p.i.value).to.equal(2 ** 52);
    });

    it('OverflowError on a float result that is not finite', () => {
      const m = new ArithModel({ f: 1e308 });
      expect(thrown(() => m.f.imul(10))).to.be.instanceOf(OverflowError);
      expect(thrown(() => m.f.ipow(2))).to.be.instanceOf(OverflowError);
      expect(m.f.value).to.equal(1e308);
      const neg = new ArithModel({ f: -8 });
      expect(
        thrown(() => neg.f.ipow(0.5)),
        'NaN result',
      ).to.be.instanceOf(OverflowError);
      expect(neg.f.value).to.equal(-8);
    });

    it('refuses bad operands (ValidationError) and a negative integer power', () => {
      const m = new ArithModel({ i: 3, f: 1 });
      expect(thrown(() => m.i.iadd(0.5))).to.be.instanceOf(ValidationError);
      expect(thrown(() => m.i.iadd(2 ** 53))).to.be.instanceOf(ValidationError);
      expect(thrown(() => m.f.iadd(NaN))).to.be.instanceOf(ValidationError);
      expect(thrown(() => m.f.imul(Infinity))).to.be.instanceOf(ValidationError);
      expect(thrown(() => m.i.ipow(-1))).to.be.instanceOf(UnsupportedArgumentError);
      expect(
        thrown(() => m.maybe.iadd(1)),
        'null value',
      ).to.be.instanceOf(ValidationError);
      expect(m.toJSON()).to.include({ i: 3, f: 1, maybe: null });
    });
  });

  describe('aincrease limits in Redis', () => {
    it('reaches MAX_SAFE_INTEGER exactly, then refuses with OverflowError, stored value unchanged', async () => {
      const m = await stored({ i: MAX - 1 });
      expect(await m.i.aincrease(1)).to.equal(MAX);
      expect(await testClient().hget(m.key, 'i')).to.equal(String(MAX));
      const err = await rejected(m.i.aincrease(1));
      expect(err).to.be.instanceOf(OverflowError);
      expect((err as Error).message).to.match(/ArithModel:\{.*\}.*i/);
      expect(await testClient().hget(m.key, 'i')).to.equal(String(MAX));
      expect(m.i.value).to.equal(MAX);
    });

    it('refuses a negative overflow too', async () => {
      const m = await stored({ i: -MAX });
      expect(await rejected(m.i.aincrease(-1))).to.be.instanceOf(OverflowError);
      expect(await testClient().hget(m.key, 'i')).to.equal(String(-MAX));
    });

    it('refuses a float aincrease to Infinity, stored value unchanged', async () => {
      const m = await stored({ f: 1.7e308 });
      const before = await testClient().hget(m.key, 'f');
      expect(await rejected(m.f.aincrease(1.7e308))).to.be.instanceOf(OverflowError);
      expect(await testClient().hget(m.key, 'f')).to.equal(before);
      expect(m.f.value).to.equal(1.7e308);
    });

    it('stores floats that read back exactly', async () => {
      const m = await stored({ f: 0.1 });
      expect(await m.f.aincrease(0.2)).to.equal(0.1 + 0.2);
      expect((await ArithModel.aget(m.pk)).f.value).to.equal(0.1 + 0.2);
    });

    it('refuses aincrease on a null field (ValidationError), nothing written', async () => {
      const m = await stored();
      expect(await rejected(m.maybe.aincrease(1))).to.be.instanceOf(ValidationError);
      expect(await testClient().hget(m.key, 'maybe')).to.equal('null');
    });
  });

  describe('str, bytes, datetime', () => {
    it('RedisStr iadd and imul', () => {
      const m = new ArithModel({ s: 'ab' });
      m.s.iadd('cd');
      expect(m.s.value).to.equal('abcd');
      m.s.imul(3);
      expect(m.s.value).to.equal('abcdabcdabcd');
      m.s.imul(0);
      expect(m.s.value).to.equal('');
      expect(thrown(() => m.s.imul(-1))).to.be.instanceOf(ValidationError);
      expect(thrown(() => m.s.iadd(5 as never))).to.be.instanceOf(ValidationError);
    });

    it('RedisBytes iadd', () => {
      const m = new ArithModel({ b: new Uint8Array([1, 2]) });
      m.b.iadd(new Uint8Array([3]));
      expect([...m.b.value]).to.deep.equal([1, 2, 3]);
      expect(thrown(() => m.b.iadd([4] as never))).to.be.instanceOf(ValidationError);
      expect([...m.b.value]).to.deep.equal([1, 2, 3]);
    });

    it('RedisDatetime iadd and isub (milliseconds)', () => {
      const m = new ArithModel({ d: new Date(1000) });
      m.d.iadd(500);
      expect(m.d.value.getTime()).to.equal(1500);
      m.d.isub(2000);
      expect(m.d.value.getTime()).to.equal(-500);
      expect(thrown(() => m.d.iadd(0.5))).to.be.instanceOf(ValidationError);
      expect(thrown(() => m.d.iadd(9e15))).to.be.instanceOf(ValidationError);
      expect(m.d.value.getTime()).to.equal(-500);
    });

    it('persist through asave and load back', async () => {
      const m = await stored({ s: 'x' });
      m.s.iadd('y');
      m.b.iadd(new Uint8Array([255]));
      m.d.iadd(42);
      await m.asave();
      const back = await ArithModel.aget(m.pk);
      expect(back.s.value).to.equal('xy');
      expect([...back.b.value]).to.deep.equal([255]);
      expect(back.d.value.getTime()).to.equal(42);
    });
  });
});
