/**
 * Class-wide operations (aget, afind, afindKeys, aexists, ainsert, adelete*), shared by the
 * static methods of AtomicRedisModel and the module-level functions. Bulk operations send one
 * script per model (performMany): one pipeline per node, results in the caller's order; inside
 * `apipeline` the writes among them queue with the pipeline's other operations.
 */
import { storedGroupsArg, type MethodName } from '../ops/table.js';
import { CorruptedModelError, KeyNotFound, UnsupportedArgumentError, ValidationError, fromScriptError, show } from '../errors.js';
import { checkPk, mainKey, parseMainKey, scanPattern } from '../keys.js';
import { keyPrefixOf, masters } from '../runtime/client.js';
import type { Client, Settled } from '../runtime/scripts.js';
import { perform, performMany } from '../ops/run.js';
import { AtomicRedisModel, callFor, clientOf, coreOfModel, staticOf, type Bind, type ModelStatic } from './base.js';
import { safeLoadFor, decodeModel, loadAllArgs, loadArgs } from './storage.js';
import { callWith, headArgs } from './calls.js';
import { preferSubclass } from './registry.js';

/** Options of afind / afindOne. */
export interface FindOptions {
  /** At most this many models (class-wide scans). */
  readonly maxResults?: number;
  /** Leave out missing keys instead of throwing KeyNotFound. */
  readonly skipMissing?: boolean;
  /** Leave out models whose stored data does not validate instead of failing with CorruptedModelError. */
  readonly skipCorrupted?: boolean;
}

/** A pk, or a main key of this class, → the main key. */
export function resolveKey(cls: ModelStatic, keyOrPk: string | AtomicRedisModel): string {
  if (keyOrPk instanceof AtomicRedisModel) return keyOrPk.key;
  if (typeof keyOrPk !== 'string') throw new ValidationError(`${cls.modelName}: expected a key or pk, got ${show(keyOrPk)}`);
  const parsed = parseMainKey(keyOrPk);
  if (parsed) {
    if (parsed.model !== cls.modelName) throw new ValidationError(`${cls.modelName}: ${show(keyOrPk)} is the key of another model`);
    checkPk(cls.modelName, parsed.pk); // a key's pk obeys the pk rules too (no lone surrogate)
    // a key of the other layout (README, Queries: indexed models live in buckets) names the same pk
    const indexed = cls.schema.indexed.length > 0;
    return (parsed.bucket !== undefined) === indexed ? keyOrPk : mainKey(cls.modelName, parsed.pk, indexed);
  }
  checkPk(cls.modelName, keyOrPk);
  return mainKey(cls.modelName, keyOrPk, cls.schema.indexed.length > 0);
}

export function build<M extends AtomicRedisModel>(cls: ModelStatic<M>, key: string, reply: unknown[]): M {
  const pk = parseMainKey(key)!.pk;
  const safe = safeLoadFor(cls.schema, cls.Meta.safeLoad);
  const model = new (cls as unknown as new (t: object, b: Bind) => M)(decodeModel(cls.schema, key, reply, safe), { pk, trusted: true });
  if (safe) coreOfModel(model).failed = safe.failed;
  return model;
}

export async function getOne<M extends AtomicRedisModel>(cls: ModelStatic<M>, method: MethodName, keyOrPk: string): Promise<M> {
  const key = resolveKey(cls, keyOrPk);
  const reply = (await perform(clientOf(cls), method, callFor(cls, method, key, loadAllArgs(cls.schema)))) as unknown[] | null;
  if (!reply) throw new KeyNotFound(`${key} ${method}: the model is not stored`);
  return build(cls, key, reply);
}

/** Loads many keys of one class in one pipeline; null for a missing key when skipMissing. */
export async function getMany<M extends AtomicRedisModel>(
  cls: ModelStatic<M>,
  method: MethodName,
  keys: readonly string[],
  skipMissing: boolean,
  skipCorrupted = false,
): Promise<(M | null)[]> {
  // one ARGV for every call (they differ by their keys only)
  const args = headArgs(cls, method);
  for (const a of loadAllArgs(cls.schema)) args.push(a);
  const settled = await performMany(
    clientOf(cls),
    method,
    keys.map((k) => callWith(cls, method, k, args)),
  );
  return settled.map((s, i) => {
    const key = keys[i]!;
    const reply = unwrap(s) as unknown[] | null;
    if (reply) {
      if (!skipCorrupted) return build(cls, key, reply);
      try {
        return build(cls, key, reply);
      } catch (e) {
        if (e instanceof CorruptedModelError) return null; // left out, as the reference does
        throw e;
      }
    }
    if (skipMissing) return null;
    throw new KeyNotFound(`${key} ${method}: the model is not stored`);
  });
}

function unwrap(s: Settled): unknown {
  if (!s.ok) throw s.error;
  return s.value;
}

/**
 * The keys (without the keyPrefix) that SCAN MATCH `pattern` finds on every master and `keep`
 * accepts, each once, at most `maxResults`. Errors are typed, naming the model.
 */
export async function scanMatching(client: Client, model: string, pattern: string, keep: (key: string) => boolean, maxResults = Infinity): Promise<string[]> {
  const prefix = keyPrefixOf(client);
  const found: string[] = [];
  const seen = new Set<string>(); // SCAN may return a key more than once
  const where = `${model} SCAN MATCH ${pattern}`;
  for (const node of await masters(client).catch((e: unknown) => {
    throw fromScriptError(e, where);
  })) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000).catch((e: unknown) => {
        throw fromScriptError(e, where);
      });
      cursor = next;
      for (const k of keys) {
        const key = k.slice(prefix.length);
        if (found.length < maxResults && !seen.has(key) && keep(key)) {
          seen.add(key);
          found.push(key);
        }
      }
    } while (cursor !== '0' && found.length < maxResults);
    if (found.length >= maxResults) break;
  }
  return found;
}

/** Main keys of stored models of the class (of its layout: bucketed when it has indexed fields). */
export function scanKeys(cls: ModelStatic, maxResults = Infinity, indexed = cls.schema.indexed.length > 0): Promise<string[]> {
  const client = clientOf(cls);
  return scanMatching(
    client,
    cls.modelName,
    scanPattern(keyPrefixOf(client), cls.modelName, indexed),
    (key) => {
      const parsed = parseMainKey(key);
      return parsed?.model === cls.modelName && (parsed.bucket !== undefined) === indexed;
    },
    maxResults,
  );
}

/** How many models of the class are stored: SCAN (never KEYS) on every master. No TTL refresh. */
export async function countKeys(cls: ModelStatic): Promise<number> {
  return (await scanKeys(cls)).length;
}

export async function findKeys(cls: ModelStatic, maxResults?: number): Promise<string[]> {
  checkFindOptions(`${cls.modelName}.afindKeys`, { maxResults });
  const keys = await scanKeys(cls, maxResults);
  // READ refreshes what it finds (rule 7); the same script tells which keys still exist.
  if (!(cls.Meta.mask & 1) || cls.Meta.ttl === null) return keys;
  const settled = await performMany(
    clientOf(cls),
    'AtomicRedisModel.afindKeys',
    keys.map((k) => callFor(cls, 'AtomicRedisModel.afindKeys', k, [])),
  );
  return keys.filter((_k, i) => unwrap(settled[i]!) === true);
}

export function exists(cls: ModelStatic, method: 'AtomicRedisModel.aexists' | 'module.aexists', keyOrModel: string | AtomicRedisModel): Promise<boolean> {
  const key = resolveKey(cls, keyOrModel);
  return perform(clientOf(cls), method, callFor(cls, method, key, []));
}

/** Saves many models of one class with CREATE semantics, in one pipeline per node (queued inside apipeline). */
export async function insertMany(cls: ModelStatic, method: 'AtomicRedisModel.ainsert' | 'module.ainsert', models: readonly AtomicRedisModel[]): Promise<void> {
  const cores = models.map((m) => {
    if (!(m instanceof (cls as unknown as typeof AtomicRedisModel))) {
      throw new ValidationError(`${cls.modelName}.ainsert: ${show(m)} is not a ${cls.modelName}`);
    }
    return coreOfModel(m);
  });
  const calls = cores.map((core) => core.saveCall(method));
  for (const s of await performMany(clientOf(cls), method, calls, cores)) unwrap(s);
}

/** What agetOrCreate resolves to: the stored model, or the draft, now stored. */
export interface GetOrCreateResult<M> {
  readonly status: 'found' | 'created';
  /** found: a new instance of the stored model (the draft is left as it was); created: the draft. */
  readonly model: M;
}

/**
 * The stored model of the draft's key, or the draft saved whole when it is not stored: one
 * script (lua/model/get-or-create.lua), so of concurrent callers exactly one creates. Found:
 * READ|FETCH; created: CREATE, TTL set. Runs at once inside a pipeline.
 */
export async function getOrCreate<M extends AtomicRedisModel>(
  cls: ModelStatic,
  method: 'AtomicRedisModel.agetOrCreate' | 'module.agetOrCreate',
  draft: M,
): Promise<GetOrCreateResult<M>> {
  if (!(draft instanceof (cls as unknown as typeof AtomicRedisModel))) {
    throw new ValidationError(`${cls.modelName}.agetOrCreate: ${show(draft)} is not a ${cls.modelName}`);
  }
  const core = coreOfModel(draft);
  if (!core.isRoot) {
    throw new UnsupportedArgumentError(
      `${draft.key} agetOrCreate: ${core.prefix.slice(0, -1)} is a nested model, stored in its root's record; call agetOrCreate with the root model`,
    );
  }
  const own = staticOf(draft); // the draft's own class (a subclass of cls) builds the found model
  const key = draft.key;
  const extra = [storedGroupsArg(method)].concat(loadArgs(own.schema, '*', '*'), core.savePayload());
  const reply = await perform(clientOf(own), method, callFor(own, method, key, extra));
  if (Array.isArray(reply)) return { status: 'found', model: build(own as ModelStatic<M>, key, reply) };
  return { status: 'created', model: draft };
}

/** What adeleteMany answers: how many models and keys were deleted. */
export interface DeleteResult {
  readonly modelsDeleted: number;
  readonly keysDeleted: number;
  /**
   * Only inside `apipeline`, where deletions are queued and their counts are not known yet
   * (both 0 then): the number of models queued for deletion.
   */
  readonly queued?: number;
}

type DeleteMethod = 'AtomicRedisModel.adeleteByKey' | 'AtomicRedisModel.adeleteMany' | 'module.adeleteMany';

export async function deleteMany(cls: ModelStatic, method: DeleteMethod, keysOrModels: readonly (string | AtomicRedisModel)[]): Promise<DeleteResult> {
  const keys = keysOrModels.map((k) => resolveKey(cls, k));
  const settled = await performMany(
    clientOf(cls),
    method,
    keys.map((k) => callFor(cls, method, k, [])),
  );
  let modelsDeleted = 0;
  let keysDeleted = 0;
  let queued = 0;
  for (const s of settled) {
    if (s.queued) {
      queued += 1;
      continue;
    }
    const { existed, keys: n } = unwrap(s) as { existed: boolean; keys: number };
    modelsDeleted += existed ? 1 : 0;
    keysDeleted += n;
  }
  return queued > 0 ? { modelsDeleted, keysDeleted, queued } : { modelsDeleted, keysDeleted };
}

/** Refuses options that would be read silently wrong (maxResults -1, 1.5, null, 'x'; skipMissing 'yes'). */
function checkFindOptions(where: string, options: FindOptions): void {
  const { maxResults, skipMissing, skipCorrupted } = options;
  if (Object.hasOwn(options, 'where')) {
    throw new ValidationError(`${where}: a query ({ where }) is the only argument, not options after keys (README, Queries)`);
  }
  if (skipCorrupted !== undefined && typeof skipCorrupted !== 'boolean') {
    throw new ValidationError(`${where}: skipCorrupted must be a boolean, got ${show(skipCorrupted)}`);
  }
  if (maxResults !== undefined && !(maxResults === Infinity || (Number.isSafeInteger(maxResults) && maxResults >= 0))) {
    throw new ValidationError(`${where}: maxResults must be a non-negative integer, got ${show(maxResults)}`);
  }
  if (skipMissing !== undefined && typeof skipMissing !== 'boolean') {
    throw new ValidationError(`${where}: skipMissing must be a boolean, got ${show(skipMissing)}`);
  }
}

/** Splits afind's arguments: keys or pks, then an optional options object (checked). */
export function findArgs(args: readonly unknown[]): { keys: string[]; options: FindOptions } {
  const last = args[args.length - 1];
  const hasOptions = last !== null && typeof last === 'object' && !(last instanceof AtomicRedisModel);
  const keys = (hasOptions ? args.slice(0, -1) : args) as string[];
  const options = hasOptions ? (last as FindOptions) : {};
  checkFindOptions('afind', options);
  return { keys, options };
}

/** Makes module-level operations build this class (a subclass of a defined model) for its keys. */
export function bindModel(cls: ModelStatic): void {
  preferSubclass(cls);
}
