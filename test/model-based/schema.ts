/**
 * The models of the model-based random tests (their names are unique in the whole run) and the
 * plain shapes the reference uses for their values.
 */
import { defineModel, field } from '../../src/index.js';

export const MbtAddress = defineModel('MbtAddress', {
  city: field.str(),
  tags: field.list(field.str()),
});

export class MbtSession extends defineModel(
  'MbtSession',
  {
    id: field.str({ key: true }),
    count: field.int({ default: 0 }),
    score: field.float({ default: 0 }),
    label: field.str({ default: '' }),
    note: field.str({ optional: true }),
    tags: field.list(field.str()),
    attrs: field.dict(field.int()),
    seen: field.set(field.str()),
    jobs: field.priorityQueue(field.str()),
    address: field.model(MbtAddress),
  },
  { ttl: 1000, refreshTtl: true },
) {}

export type Session = InstanceType<typeof MbtSession>;

/** The two models every run works on (two hash slots on a Cluster, most likely). */
export const PKS = ['a', 'b'] as const;
export type Pk = (typeof PKS)[number];

/** The model's TTL in ms (1000 s: long, so that refreshes are told apart from kept TTLs). */
export const TTL_MS = 1_000_000;

/** The model's keys, in KEYS order: main hash, then the collections in the schema's order. */
export const KEY_PATHS = ['', 'tags', 'attrs', 'seen', 'jobs', 'address.tags'] as const;
export type KeyIndex = 0 | 1 | 2 | 3 | 4 | 5;
export const MAIN = 0;
export const KEY_OF_PATH: Record<ListPath | 'attrs' | 'seen' | 'jobs', KeyIndex> = {
  tags: 1,
  attrs: 2,
  seen: 3,
  jobs: 4,
  'address.tags': 5,
};

export function keyName(pk: Pk, i: number): string {
  const main = `MbtSession:{${pk}}`;
  return i === 0 ? main : `${main}:${KEY_PATHS[i]}`;
}

export type ListPath = 'tags' | 'address.tags';

/** A model's values as the reference holds them (local copy or stored state). */
export interface Values {
  count: number;
  score: number;
  label: string;
  note: string | null;
  tags: string[];
  attrs: Map<string, number>;
  seen: Set<string>;
  city: string;
  addrTags: string[];
}

/** Stored state: the values plus the priority queue (value → priority). */
export interface Stored extends Values {
  jobs: Map<string, number>;
}

export function cloneValues(v: Values): Values {
  return {
    count: v.count,
    score: v.score,
    label: v.label,
    note: v.note,
    city: v.city,
    tags: [...v.tags],
    attrs: new Map(v.attrs),
    seen: new Set(v.seen),
    addrTags: [...v.addrTags],
  };
}

export function cloneStored(s: Stored): Stored {
  return { ...cloneValues(s), jobs: new Map(s.jobs) };
}

/** What a constructor or aupdate is given (a subset of the fields; address as a whole). */
export interface PartialInput {
  count?: number;
  score?: number;
  label?: string;
  note?: string | null;
  tags?: string[];
  attrs?: Record<string, number>;
  seen?: string[];
  address?: { city: string; tags?: string[] };
}

/** -0 and 0 are one value here: JSON cannot carry -0. */
export const num = (x: number): number => (x === 0 ? 0 : x);

/** The comparable form of a model's values (sets sorted, dicts as sorted pairs). */
export function comparable(v: Values): Record<string, unknown> {
  return {
    count: v.count,
    score: num(v.score),
    label: v.label,
    note: v.note,
    tags: v.tags,
    attrs: [...v.attrs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    seen: [...v.seen].sort(),
    city: v.city,
    addrTags: v.addrTags,
  };
}

/** The reference's values of a real instance (its local copy). */
export function valuesOf(s: Session): Values {
  return {
    count: s.count.value,
    score: s.score.value,
    label: s.label.value,
    note: s.note.value,
    tags: [...s.tags],
    attrs: new Map(s.attrs),
    seen: new Set(s.seen),
    city: s.address.city.value,
    addrTags: [...s.address.tags],
  };
}

/** `got` with each number that is within a few ulps of the one at the same place in `want` replaced by it. */
export function align(got: unknown, want: unknown): unknown {
  if (typeof got === 'number' && typeof want === 'number') {
    return Math.abs(got - want) <= 4 * Number.EPSILON * Math.max(Math.abs(got), Math.abs(want)) ? want : got;
  }
  if (Array.isArray(got) && Array.isArray(want)) return got.map((g, i) => align(g, want[i]));
  if (got instanceof Set || got instanceof Map) return got; // no numbers to align in their members
  if (got && want && typeof got === 'object' && typeof want === 'object' && !Array.isArray(got)) {
    return Object.fromEntries(Object.entries(got).map(([k, v]) => [k, align(v, (want as Record<string, unknown>)[k])]));
  }
  return got;
}
