/**
 * The query forms of the class operations (README, Queries): `afind`, `afindOne`, `acount` and
 * `adeleteMany` with `{ where }`, and `areindex`.
 */
import { ValidationError } from '../errors.js';
import { compileQuery, type QueryParts, type CompiledQuery } from '../query/where.js';
import { countWhere, deleteWhere, findWhere, foundKey } from '../query/run.js';
import { build } from './class-ops.js';
import type { AtomicRedisModel } from './base.js';
import type { ModelStatic } from './calls.js';

function compile(cls: ModelStatic, method: string, query: unknown, parts: QueryParts): CompiledQuery {
  if (cls.schema.indexed.length === 0) {
    throw new ValidationError(`${cls.modelName}.${method}: the model has no indexed field (index: true) to query; a query never scans every key`);
  }
  return compileQuery(cls.modelName, cls.schema, query, parts);
}

/** `Model.afind({ where, orderBy?, maxResults?, offset? })`: the matching models, in order (READ|FETCH). */
export async function findByQuery<M extends AtomicRedisModel>(cls: ModelStatic<M>, query: unknown): Promise<M[]> {
  const q = compile(cls, 'afind', query, { order: true, limit: true });
  const found = await findWhere(cls, 'AtomicRedisModel.afindWhere', q);
  return found.map((f) => build(cls, foundKey(cls, f), f.reply));
}

/** `Model.afindOne({ where, orderBy? })`: the first match, or null (READ|FETCH). */
export async function findOneByQuery<M extends AtomicRedisModel>(cls: ModelStatic<M>, query: unknown): Promise<M | null> {
  const q = compile(cls, 'afindOne', query, { order: true, limit: false });
  const found = await findWhere(cls, 'AtomicRedisModel.afindOneWhere', { ...q, maxResults: 1 });
  return found[0] ? build(cls, foundKey(cls, found[0]), found[0].reply) : null;
}

/** `Model.acount({ where })`: the number of matching models (READ). */
export async function countByQuery(cls: ModelStatic, query: unknown): Promise<number> {
  return countWhere(cls, 'AtomicRedisModel.acountWhere', compile(cls, 'acount', query, { order: false, limit: false }));
}

/** `Model.adeleteMany({ where })`: deletes every matching model whole (DELETE). */
export async function deleteByQuery(cls: ModelStatic, query: unknown): Promise<{ modelsDeleted: number; keysDeleted: number }> {
  return deleteWhere(cls, 'AtomicRedisModel.adeleteWhere', compile(cls, 'adeleteMany', query, { order: false, limit: false }));
}
