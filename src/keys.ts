/**
 * The key scheme (README, Storage layout): a model's main key is `${name}:{${pk}}` and each collection field
 * lives in `${name}:{${pk}}:${path}`. The braces are the hash tag, so every key of a model is
 * in one slot. Every key reaches a script through KEYS.
 *
 * A model with indexed fields (README, Queries) lives in one of INDEX_BUCKETS buckets chosen
 * by its pk: its main key is `${name}:{${name}#${bucket}}:{${pk}}`, so the hash tag is the
 * bucket's, shared with the bucket's index keys `${name}:{${name}#${bucket}}:~…`: a write and
 * its index update stay one script, on a Cluster too.
 */
import { randomBytes } from 'node:crypto';
import { ValidationError, show } from './errors.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

export function checkModelName(name: string): void {
  if (!NAME.test(name)) {
    throw new ValidationError(`model name ${show(name)} must match ${NAME} (no ':', braces or glob characters)`);
  }
}

/**
 * Refuses a pk that would break the hash tag or the key scheme, or a lone surrogate: keys travel
 * as UTF-8, where every lone surrogate becomes U+FFFD, so two such pks would name one model.
 */
export function checkPk(model: string, pk: string): void {
  if (pk.length === 0 || /[{}]/.test(pk) || /[\uD800-\uDFFF]/u.test(pk)) {
    throw new ValidationError(`${model}: pk ${show(pk)} must be non-empty, well-formed Unicode, and contain no '{' or '}'`);
  }
}

/** The number of buckets of a model with indexed fields (README, Queries). */
export const INDEX_BUCKETS = 16;

/** The bucket of a pk: FNV-1a of its UTF-8 bytes, modulo INDEX_BUCKETS. */
export function bucketOf(pk: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(pk, 'utf8')) h = Math.imul(h ^ b, 0x01000193);
  return (h >>> 0) % INDEX_BUCKETS;
}

/** The common start of every key of a bucket: `${name}:{${name}#${bucket}}:`. */
export function bucketBase(model: string, bucket: number): string {
  return `${model}:{${model}#${bucket}}:`;
}

/** A model's main key: `${name}:{${pk}}`, or in its bucket when the model has indexed fields. */
export function mainKey(model: string, pk: string, indexed = false): string {
  return indexed ? `${bucketBase(model, bucketOf(pk))}{${pk}}` : `${model}:{${pk}}`;
}

/**
 * The index keys of a bucket, in the order every script takes them (lua/includes/index.lua):
 * every pk, the indexed values of each pk, their expiry times, then one key per indexed field.
 */
export function indexKeys(model: string, bucket: number, paths: readonly string[]): string[] {
  const base = bucketBase(model, bucket);
  return [`${base}~all`, `${base}~values`, `${base}~expiry`, ...paths.map((p) => `${base}~index:${p}`)];
}

export function collectionKey(main: string, path: string): string {
  return `${main}:${path}`;
}

/**
 * Splits `Name:{pk}` (or a bucketed `Name:{Name#b}:{pk}`) into its parts, or null when the key
 * is not a main key. `bucket` is there for the bucketed form.
 */
export function parseMainKey(key: string): { model: string; pk: string; bucket?: number } | null {
  const m = /^([^:{}]+):\{([^{}]+)\}$/.exec(key);
  if (m) return { model: m[1]!, pk: m[2]! };
  const b = /^([^:{}]+):\{([^:{}#]+)#(\d+)\}:\{([^{}]+)\}$/.exec(key);
  return b && b[1] === b[2] ? { model: b[1]!, pk: b[4]!, bucket: Number(b[3]) } : null;
}

const esc = (s: string) => s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

/** The SCAN pattern of a model's main keys (glob characters in the name are escaped). */
export function scanPattern(prefix: string, model: string, indexed = false): string {
  return indexed ? `${esc(prefix)}${esc(model)}:{${esc(model)}#*}:{*}` : `${esc(prefix)}${esc(model)}:{*}`;
}

/** The SCAN pattern of the index keys of a model's buckets (`${name}:{${name}#b}:~…`). */
export function indexScanPattern(prefix: string, model: string): string {
  return `${esc(prefix)}${esc(model)}:{${esc(model)}#*}:~*`;
}

/** Whether a key (without keyPrefix) is an index key of one of the model's buckets. */
export function isIndexKey(key: string, model: string): boolean {
  const m = /^([^:{}]+):\{([^:{}#]+)#\d+\}:~/.exec(key);
  return m !== null && m[1] === model && m[2] === model;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
let lastTime = -1;
let lastRandom: number[] = [];

/**
 * A new id: 26 characters, Crockford base32, time first (ULID layout), so ids sort by creation
 * time; within one millisecond the random part counts up, so they stay sorted and unique.
 */
export function newId(): string {
  const now = Date.now();
  if (now === lastTime) {
    let i = lastRandom.length - 1;
    while (i >= 0 && lastRandom[i] === 31) {
      lastRandom[i] = 0;
      i -= 1;
    }
    if (i >= 0) lastRandom[i]! += 1;
  } else {
    lastTime = now;
    lastRandom = [...randomBytes(16)].map((b) => b & 31);
    lastRandom[0] = lastRandom[0]! & 15; // room to count up
  }
  let t = now;
  let time = '';
  for (let i = 0; i < 10; i += 1) {
    time = CROCKFORD[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  return time + lastRandom.map((d) => CROCKFORD[d]).join('');
}
