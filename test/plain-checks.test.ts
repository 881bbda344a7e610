/**
 * The codecs' plain checks (ScalarCodec.accepts) stand in for ajv on the hot paths: wherever
 * one says yes, ajv must say yes too, or a value ajv refuses would get through unchecked. Each
 * is compared with ajv's compiled schema on values at and beyond every bound.
 */
import { expect } from 'chai';
import { compile } from '../src/schema/ajv.js';
import * as c from '../src/schema/scalar-codecs.js';
import { defineModel, field, CorruptedModelError } from '../src/index.js';
import { testClient } from './helpers/hooks.js';

const M = Number.MAX_SAFE_INTEGER;
const SAMPLES: unknown[] = [
  null,
  true,
  false,
  0,
  -0,
  1,
  -1,
  1.5,
  -1.5,
  M,
  -M,
  M + 1,
  -M - 1,
  M + 2,
  2 ** 53,
  1e300,
  -1e300,
  8.64e15,
  -8.64e15,
  8.64e15 + 1,
  -8.64e15 - 1,
  8.64e15 + 0.5,
  NaN,
  Infinity,
  -Infinity,
  Number.MIN_VALUE,
  '',
  'a',
  '0',
  '1',
  'free',
  'pro',
  'Pro',
  '00',
  'ff',
  'FF',
  '0g',
  'abc',
  'abcd',
  'é',
  '\u{1F600}',
  '0a\n',
  [],
  [1],
  {},
  { a: 1 },
  undefined,
];

const CODECS: [string, c.ScalarCodec<unknown>][] = [
  ['str', c.strCodec],
  ['int', c.intCodec],
  ['float', c.floatCodec],
  ['bool', c.boolCodec],
  ['bytes', c.bytesCodec],
  ['datetime', c.datetimeCodec],
  ['json', c.jsonCodec],
  ['enum of strings', c.enumCodec(['free', 'pro'])],
  ['enum of numbers', c.enumCodec([0, 1, 1.5])],
];

describe('plain checks of the codecs', () => {
  for (const [name, codec] of CODECS) {
    it(`${name}: accepts exactly what its JSON Schema accepts`, () => {
      const ajv = compile(codec.schema);
      for (const v of SAMPLES) {
        if (v === undefined && name === 'json') continue; // ajv's {} accepts anything; JSON never yields undefined
        expect(codec.accepts(v), `${name} ${String(v)}`).to.equal(ajv(v));
      }
    });
  }

  it('a stored value its plain check refuses is still named by ajv (CorruptedModelError)', async () => {
    const Checked = defineModel('PlainChecked', { id: field.str({ key: true }), n: field.int(), when: field.datetime(), tag: field.enum(['a', 'b']) });
    await new Checked({ id: 'p1', n: 1, when: new Date(0), tag: 'a' }).asave();
    for (const [f, raw, why] of [
      ['n', '1.5', 'must be integer'],
      ['n', '9007199254740992', 'must be <= 9007199254740991'],
      ['when', '8640000000000001', 'must be <='],
      ['tag', '"c"', 'must be equal to one of the allowed values'],
    ] as const) {
      await testClient().hset('PlainChecked:{p1}', f, raw);
      const err = await Checked.aget('p1').catch((e: unknown) => e);
      expect(err, `${f}=${raw}`).to.be.instanceOf(CorruptedModelError);
      expect((err as Error).message)
        .to.contain(`field "${f}"`)
        .and.contain(why);
      await testClient().hset('PlainChecked:{p1}', f, f === 'tag' ? '"a"' : '1');
    }
  });
});
