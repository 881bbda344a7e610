/**
 * The library under test and the benchmark's models. By default the library is the compiled
 * package (dist/esm, which `npm run bench` builds first): what users run. `--src` loads the
 * TypeScript sources through tsx instead (for profiling with source names; tsx's transform adds
 * a per-closure cost, so its numbers are lower).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Lib = typeof import('../../src/index.js');

const root = fileURLToPath(new URL('../..', import.meta.url));

function newestMtime(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((t, e) => {
    const p = join(dir, e.name);
    return Math.max(t, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }, 0);
}

/** Loads the library; returns it with a warning when dist is older than src. */
export async function loadLib(fromSrc: boolean): Promise<{ lib: Lib; origin: string; warning: string | null }> {
  if (fromSrc) return { lib: (await import('../../src/index.js')) as Lib, origin: 'src (tsx)', warning: null };
  const dist = join(root, 'dist', 'esm', 'index.js');
  if (!existsSync(dist)) throw new Error('dist/esm/index.js is missing: run `npm run build` (npm run bench does), or pass --src');
  const stale = statSync(dist).mtimeMs < newestMtime(join(root, 'src'));
  const lib = (await import(new URL('../../dist/esm/index.js', import.meta.url).href)) as Lib;
  return {
    lib,
    origin: 'dist/esm',
    warning: stale ? 'dist/esm is older than src/: run `npm run build` (npm run bench does) to measure the current code' : null,
  };
}

export const TTL_SECONDS = 1800;
export const TTL_MS = String(TTL_SECONDS * 1000);

/** The benchmark's models, defined once with the loaded library. */
export function defineModels(lib: Lib) {
  const { defineModel, field } = lib;
  const meta = { ttl: TTL_SECONDS, refreshTtl: true };
  return {
    BenchCounter: defineModel(
      'BenchCounter',
      {
        id: field.str({ key: true }),
        visits: field.int({ default: 0 }),
      },
      meta,
    ),
    /** The 10-field model of save, insert-1000 and find-1000. */
    BenchProfile: defineModel(
      'BenchProfile',
      {
        id: field.str({ key: true }),
        name: field.str(),
        email: field.str(),
        age: field.int(),
        score: field.float(),
        active: field.bool(),
        joined: field.datetime(),
        plan: field.enum(['free', 'pro', 'team'] as const),
        prefs: field.json(),
        bio: field.str({ optional: true }),
      },
      meta,
    ),
    BenchTags: defineModel(
      'BenchTags',
      {
        id: field.str({ key: true }),
        tags: field.list(field.str()),
      },
      meta,
    ),
    BenchQueue: defineModel(
      'BenchQueue',
      {
        id: field.str({ key: true }),
        jobs: field.priorityQueue(field.str()),
      },
      meta,
    ),
    /** A model holding a list, a dict and a priority queue (the get workload). */
    BenchBag: defineModel(
      'BenchBag',
      {
        id: field.str({ key: true }),
        name: field.str(),
        count: field.int({ default: 0 }),
        items: field.list(field.str()),
        attrs: field.dict(field.str()),
        jobs: field.priorityQueue(field.str()),
      },
      meta,
    ),
    BenchPipe: defineModel(
      'BenchPipe',
      {
        id: field.str({ key: true }),
        visits: field.int({ default: 0 }),
        score: field.float({ default: 0 }),
      },
      meta,
    ),
    /** BenchPipe's fields plus a list and a dict (pipeline-10-big, get-items-N). */
    BenchBig: defineModel(
      'BenchBig',
      {
        id: field.str({ key: true }),
        visits: field.int({ default: 0 }),
        score: field.float({ default: 0 }),
        items: field.list(field.str()),
        attrs: field.dict(field.str()),
      },
      meta,
    ),
    /** BenchCounter with its int field indexed (incr-indexed-*: against BenchCounter). */
    BenchIdxCounter: defineModel(
      'BenchIdxCounter',
      {
        id: field.str({ key: true }),
        visits: field.int({ default: 0, index: true }),
      },
      meta,
    ),
    /** The models the query workloads search: an indexed str (city) and an indexed int (age). */
    BenchCity: defineModel(
      'BenchCity',
      {
        id: field.str({ key: true }),
        name: field.str(),
        email: field.str(),
        city: field.str({ index: true }),
        age: field.int({ index: true }),
        score: field.float(),
        active: field.bool(),
      },
      meta,
    ),
    /** A counter with N list fields (incr-colls-N): every increment refreshes N + 1 keys. */
    BenchColls: Object.fromEntries(
      COLLECTION_COUNTS.map((n) => [
        n,
        defineModel(
          `BenchColls${n}`,
          {
            id: field.str({ key: true }),
            visits: field.int({ default: 0 }),
            ...Object.fromEntries(collectionFields(n).map((f) => [f, field.list(field.str())])),
          },
          meta,
        ),
      ]),
    ) as Record<number, CountedModel>,
  };
}

/** The collection counts of incr-colls-N. */
export const COLLECTION_COUNTS = [0, 4, 16] as const;

export const collectionFields = (n: number) => Array.from({ length: n }, (_x, i) => `c${i}`);

/** What incr-colls-N uses of its model (the field set is built at run time). */
export interface CountedModel {
  new (data: { id: string }): CountedInstance;
}
export interface CountedInstance {
  readonly key: string;
  readonly visits: { aincrease(n: number): Promise<unknown> };
  asave(): Promise<CountedInstance>;
}

export type Models = ReturnType<typeof defineModels>;

/** The values of the 10-field model. */
export function profile(id: string, i: number) {
  return {
    id,
    name: `User ${i}`,
    email: `user${i}@example.com`,
    age: 20 + (i % 50),
    score: i * 1.5,
    active: i % 2 === 0,
    joined: new Date(1_700_000_000_000 + i * 1000),
    plan: 'pro' as const,
    prefs: { theme: 'dark', lang: 'en', digest: i % 7 },
    bio: null,
  };
}
