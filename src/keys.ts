/**
 * The key scheme (README, Storage layout): a model's main key is `${name}:{${pk}}` and each collection field
 * lives in `${name}:{${pk}}:${path}`. The braces are the hash tag, so every key of a model is
 * in one slot. Every key reaches a script through KEYS.
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

export function mainKey(model: string, pk: string): string {
  return `${model}:{${pk}}`;
}

export function collectionKey(main: string, path: string): string {
  return `${main}:${path}`;
}

/** Splits `Name:{pk}` into its parts, or null when the key is not a main key. */
export function parseMainKey(key: string): { model: string; pk: string } | null {
  const m = /^([^:{}]+):\{([^{}]+)\}$/.exec(key);
  return m ? { model: m[1]!, pk: m[2]! } : null;
}

/** The SCAN pattern of a model's main keys (glob characters in the name are escaped). */
export function scanPattern(prefix: string, model: string): string {
  const esc = (s: string) => s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
  return `${esc(prefix)}${esc(model)}:{*}`;
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
