/**
 * The model of the query model-based tests (test/model-based-queries.test.ts): one class with an
 * indexed field of every kind (int, optional float, str, bool, optional datetime, enum, and a str
 * in a nested model), fields that are not indexed (a str in the model and in the nested model, a
 * list), and the plain shapes the reference holds. Its name is unique in the whole run.
 */
import { defineModel, field } from '../../src/index.js';

/** The enum's values: a '/' (cjson writes it '\/') and a non-ASCII one. */
export const ROLES = ['a', 'b', 'c/d', 'é'] as const;
export type Role = (typeof ROLES)[number];

export const QmAddress = defineModel('QmAddress', {
  city: field.str({ default: '', index: true }),
  zip: field.str({ default: '' }),
});

export class QmItem extends defineModel(
  'QmItem',
  {
    id: field.str({ key: true }),
    n: field.int({ default: 0, index: true }),
    x: field.float({ optional: true, index: true }),
    name: field.str({ default: '', index: true }),
    flag: field.bool({ default: false, index: true }),
    at: field.datetime({ optional: true, index: true }),
    role: field.enum(ROLES, { default: 'a', index: true }),
    note: field.str({ default: '' }),
    tags: field.list(field.str()),
    address: field.model(QmAddress, { default: () => ({ city: '', zip: '' }) }),
  },
  { ttl: 1000, refreshTtl: true },
) {}

export type Item = InstanceType<typeof QmItem>;

/**
 * The pks commands name: few (so that commands meet the same models), several in one bucket
 * (bucketOf: 'a', 'A', 'ba' and '😁' in 12; 'b', 'B' and 'a\0' in 5), so that one bucket's
 * script orders and cuts ties itself, with UTF-8 byte order differing from UTF-16 order ('😁' <
 * 'ｎ' in UTF-16, > in UTF-8), a prefix of another ('a', 'ab') and a NUL. Copies made by
 * aduplicate add pks of their own.
 */
export const PKS = ['a', 'A', 'ba', '😁', 'b', 'B', 'a\0', 'é', 'ｎ', 'ab'] as const;

/** A model's values as the reference holds them (datetime as epoch ms, the nested model flattened). */
export interface Values {
  n: number;
  x: number | null;
  name: string;
  flag: boolean;
  at: number | null;
  role: Role;
  note: string;
  tags: string[];
  city: string;
  zip: string;
}

/** What aupdate is given: some fields, the nested model as a whole. */
export interface Patch {
  n?: number;
  x?: number | null;
  name?: string;
  flag?: boolean;
  at?: number | null;
  role?: Role;
  note?: string;
  tags?: string[];
  address?: { city: string; zip: string };
}

/** The indexed fields of the top level that hold a value (the nested one is address.city). */
export type IndexedField = 'n' | 'x' | 'name' | 'flag' | 'at' | 'role';
export type Kind = 'int' | 'float' | 'str' | 'bool' | 'datetime' | 'enum';
export const KIND: Record<IndexedField | 'city', Kind> = { n: 'int', x: 'float', name: 'str', flag: 'bool', at: 'datetime', role: 'enum', city: 'str' };

export const cloneValues = (v: Values): Values => ({ ...v, tags: [...v.tags] });

const date = (ms: number | null) => (ms === null ? null : new Date(ms));

/** The constructor's input of a model holding `v`. */
export function toInit(v: Values) {
  return {
    n: v.n,
    x: v.x,
    name: v.name,
    flag: v.flag,
    at: date(v.at),
    role: v.role,
    note: v.note,
    tags: [...v.tags],
    address: { city: v.city, zip: v.zip },
  };
}

/** aupdate's argument for a patch (datetime as a Date). */
export function toUpdate(p: Patch) {
  const { at, ...rest } = p;
  return at === undefined ? rest : { ...rest, at: date(at) };
}

/** The values after a patch. */
export function patched(v: Values, p: Patch): Values {
  const { address, ...rest } = p;
  const out = { ...cloneValues(v), ...rest };
  if (p.tags) out.tags = [...p.tags];
  return address ? { ...out, city: address.city, zip: address.zip } : out;
}

/** -0 and 0 are one value here (JSON cannot carry -0; Lua's arithmetic can make one). */
const num = (x: number | null) => (x === 0 ? 0 : x);

/** The values of a real instance, in the comparable form. */
export function valuesOf(m: Item): Values {
  return {
    n: m.n.value,
    x: num(m.x.value),
    name: m.name.value,
    flag: m.flag.value,
    at: m.at.value === null ? null : m.at.value.getTime(),
    role: m.role.value,
    note: m.note.value,
    tags: [...m.tags],
    city: m.address.city.value,
    zip: m.address.zip.value,
  };
}

/** The reference's values in the comparable form. */
export const comparable = (v: Values): Values => ({ ...cloneValues(v), x: num(v.x) });

/** A value as code (Dates, -0, NUL and non-BMP characters readable), for counter-examples. */
export function show(x: unknown): string {
  if (x === undefined) return 'undefined';
  if (x instanceof Date) return `new Date(${x.getTime()})`;
  if (typeof x === 'number') return Object.is(x, -0) ? '-0' : String(x);
  if (typeof x === 'string') return JSON.stringify(x);
  if (Array.isArray(x)) return `[${x.map(show).join(', ')}]`;
  if (x !== null && typeof x === 'object') {
    const entries = Object.entries(x).map(([k, v]) => `${/^[A-Za-z_]\w*$/.test(k) ? k : JSON.stringify(k)}: ${show(v)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  return String(x);
}
