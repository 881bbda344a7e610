/**
 * Cluster topology: the hash slot of a key (CRC16/XMODEM of its hash tag, modulo 16384, exactly
 * as Redis computes it), the nodes serving a slot, and new ids that land in a given slot.
 * CRC16 is implemented here (a table and one line per byte) rather than importing the
 * `cluster-key-slot` package that ioredis depends on: we also need the CRC's linearity to
 * choose ids in a slot, which that package does not expose.
 */
import type { Cluster } from 'ioredis';
import { bucketOf, mainKey, newId, parseMainKey } from '../keys.js';
import { isCluster, keyPrefixOf, type Client } from './client.js';
import { UnsupportedArgumentError } from '../errors.js';

export const SLOT_COUNT = 16384;

const TABLE = new Uint16Array(256);
for (let i = 0; i < 256; i += 1) {
  let c = i << 8;
  for (let k = 0; k < 8; k += 1) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
  TABLE[i] = c;
}

/** CRC16/XMODEM (poly 0x1021, init 0), continuing from `crc`. */
export function crc16(bytes: Uint8Array, crc = 0): number {
  for (const b of bytes) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ b) & 0xff]!;
  return crc;
}

/** The part of a key Redis hashes: the first non-empty `{…}`, else the whole key. */
export function hashedPart(key: string): string {
  const open = key.indexOf('{');
  if (open < 0) return key;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

/** The hash slot of a key exactly as sent to Redis (any keyPrefix already included). */
export function keySlot(key: string): number {
  return crc16(Buffer.from(hashedPart(key), 'utf8')) % SLOT_COUNT;
}

/** The slot of one of our keys on this client: ioredis adds its keyPrefix before hashing. */
export function slotOf(client: Client, key: string): number {
  return keySlot(keyPrefixOf(client) + key);
}

/**
 * The group of nodes serving a slot as ioredis knows it, or null before the slot map is known.
 * ioredis sends a Cluster pipeline only when every key's slot is in the same group of its
 * `_groupsBySlot` (the node list, master first), so that is the grouping key of a pipeline. The
 * group map is not public API: without it we fall back to the public node list, which agrees
 * with it except right after a MOVED (ioredis updates `slots` at once and the groups at the next
 * refresh); runScripts then sends the calls of a refused pipeline one by one.
 */
export function nodeGroupOf(cluster: Cluster, slot: number): string | null {
  const group = (cluster as unknown as { _groupsBySlot?: ArrayLike<number | undefined> })._groupsBySlot?.[slot];
  if (typeof group === 'number') return `group ${group}`;
  const nodes = cluster.slots[slot];
  return nodes && nodes.length > 0 ? nodes.join(';') : null;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const SUFFIX = 4; // 32^4 suffixes reach every one of the 16384 slots
let suffixBySlotMask: Int32Array | null = null;

/** For each 14-bit value v, a 4-character suffix s with crc16(s) % 16384 === v. */
function suffixTable(): Int32Array {
  if (suffixBySlotMask) return suffixBySlotMask;
  const table = new Int32Array(SLOT_COUNT).fill(-1);
  const code = [...CROCKFORD].map((c) => c.charCodeAt(0));
  for (let n = 0; n < 32 ** SUFFIX; n += 1) {
    let crc = 0;
    for (let d = SUFFIX - 1; d >= 0; d -= 1) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ code[(n >> (5 * d)) & 31]!) & 0xff]!;
    const v = crc % SLOT_COUNT;
    if (table[v] === -1) table[v] = n;
  }
  suffixBySlotMask = table;
  return table;
}

function suffixText(n: number): string {
  let s = '';
  for (let d = SUFFIX - 1; d >= 0; d -= 1) s += CROCKFORD[(n >> (5 * d)) & 31];
  return s;
}

/** Adds one to a Crockford base-32 string (same length; the time part never overflows). */
function increment(s: string): string {
  const digits = [...s].map((c) => CROCKFORD.indexOf(c));
  let i = digits.length - 1;
  while (i >= 0 && digits[i] === 31) {
    digits[i] = 0;
    i -= 1;
  }
  if (i >= 0) digits[i]! += 1;
  return digits.map((d) => CROCKFORD[d]).join('');
}

let lastHead = '';

/**
 * A new id (same 26-character layout as newId: time first, sortable, unique in this process)
 * whose main key `${model}:{id}`, sent through this prefix, hashes to `slot`. The last four
 * characters are chosen with CRC16's linearity: crc(head‖s) = crc(head‖0000) xor crc(s).
 */
function idInSlot(prefix: string, model: string, slot: number): string {
  // One past newId's head: an id newId made in the same millisecond has that head, and its last
  // characters may be the very ones chosen here for the slot (the copy would be the model itself).
  let head = increment(newId().slice(0, 26 - SUFFIX));
  if (head <= lastHead) head = increment(lastHead);
  lastHead = head;
  const probe = prefix + mainKey(model, `${head}0000`);
  const hashed = hashedPart(probe);
  if (!hashed.endsWith(`${head}0000`)) {
    // The prefix carries the hash tag (every id fits) or disables it (search the suffixes).
    for (let n = 0; n < 32 ** SUFFIX; n += 1) {
      const id = head + suffixText(n);
      if (keySlot(prefix + mainKey(model, id)) === slot) return id;
    }
    throw new UnsupportedArgumentError(`${model}: no id hashes to slot ${slot} under the keyPrefix ${JSON.stringify(prefix)}`);
  }
  const zeros = crc16(Buffer.from(`${hashed.slice(0, -SUFFIX)}\0\0\0\0`, 'utf8'));
  return head + suffixText(suffixTable()[(slot ^ zeros) % SLOT_COUNT]!);
}

/**
 * `n` new ids for copies of the model stored at `key`. On a Cluster, their main keys share
 * `key`'s hash slot, so one script can read the source and write every copy; on a single
 * server, plain new ids.
 */
export function newIdsBeside(client: Client, key: string, n: number): string[] {
  const parsed = parseMainKey(key);
  // A model with indexed fields: ids of its bucket (the copies share its hash tag, and its index keys).
  if (parsed?.bucket !== undefined) return Array.from({ length: n }, () => idInBucket(parsed.bucket!));
  if (!isCluster(client) || !parsed) return Array.from({ length: n }, () => newId());
  const prefix = keyPrefixOf(client);
  const slot = keySlot(prefix + key);
  return Array.from({ length: n }, () => idInSlot(prefix, parsed.model, slot));
}

/** A new id (newId's layout) whose bucket is `bucket` (INDEX_BUCKETS tries on average). */
function idInBucket(bucket: number): string {
  for (;;) {
    const id = newId();
    if (bucketOf(id) === bucket) return id;
  }
}
