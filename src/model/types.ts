/** The static types of models: what defineModel's shape turns into (README, Models and fields, inference). */
import type { AtomicRedisModel } from './base.js';
import type { ModelMeta } from './meta.js';
import type { HeldLock, LockOptions } from '../runtime/lock.js';
import type { ModelSchema, Shape } from './schema.js';
import type { FindOptions, DeleteResult, GetOrCreateResult } from './class-ops.js';
import type { FindOneQueryOf, FindQueryOf, QueryOf } from '../query/types.js';

type Types<F> = F extends { readonly __types?: infer T } ? NonNullable<T> : never;
type HandleOf<F> = Types<F> extends { handle: infer H } ? H : never;
type InputOfField<F> = Types<F> extends { input: infer I } ? I : never;
type RequiredKeys<S> = { [K in keyof S]: Types<S[K]> extends { required: true } ? K : never }[keyof S];
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** What a constructor (and a nested model field) accepts: required fields, then optional ones. */
export type InputOf<S extends Shape> = Simplify<
  { [K in RequiredKeys<S>]: InputOfField<S[K]> } & { [K in Exclude<keyof S, RequiredKeys<S>>]?: InputOfField<S[K]> }
>;

/** What aupdate accepts: any subset of the fields. */
export type PartialInputOf<S extends Shape> = { [K in keyof S]?: InputOfField<S[K]> };

/** The field handles of an instance. */
export type FieldsOf<S extends Shape> = { readonly [K in keyof S]: HandleOf<S[K]> };

/** An instance of a model with shape S. */
export type ModelInstance<S extends Shape> = AtomicRedisModel &
  FieldsOf<S> & {
    /**
     * Validates and writes the given fields in one script, then updates the local copy (UPDATE).
     * ValidationError before anything is sent; KeyNotFound when the model is not stored.
     */
    aupdate(partial: PartialInputOf<S>): Promise<ModelInstance<S>>;
  };

/** Any model class, whatever its constructor takes. */
export type Ctor<M> = abstract new (...args: never[]) => M;

type CtorArgs<S extends Shape> = {} extends InputOf<S> ? [input?: InputOf<S>] : [input: InputOf<S>];

/** A model class as defineModel returns it; `class X extends defineModel(...) {}` keeps it. */
export interface ModelClass<S extends Shape> {
  new (...args: CtorArgs<S>): ModelInstance<S>;
  readonly modelName: string;
  readonly schema: ModelSchema;
  /** This model's own configuration: ttl, refreshTtl, redis. */
  readonly Meta: ModelMeta;
  /** Phantom: the shape, for field.model(M). */
  readonly __shape?: S;

  /** The stored model (READ|FETCH); KeyNotFound if missing, CorruptedModelError if invalid. */
  aget<M>(this: Ctor<M>, keyOrPk: string): Promise<M>;
  /**
   * The stored models matching `where` (indexed fields only), sorted by `orderBy`, from `offset`,
   * at most `maxResults` (README, Queries). ValidationError before anything is sent.
   */
  afind<M>(this: Ctor<M>, query: FindQueryOf<S>): Promise<M[]>;
  /** The models of these keys in order, or with none every stored model of the class (READ|FETCH). */
  afind<M>(this: Ctor<M>, ...keysOrPks: string[]): Promise<M[]>;
  /** Like the form above, with FindOptions last: `maxResults`, `skipMissing` (READ|FETCH). */
  afind<M>(this: Ctor<M>, ...args: [...keysOrPks: string[], options: FindOptions]): Promise<M[]>;
  /** The first model matching `where` in `orderBy` order, or null (README, Queries). */
  afindOne<M>(this: Ctor<M>, query: FindOneQueryOf<S>): Promise<M | null>;
  /** The first match, or null (READ|FETCH). */
  afindOne<M>(this: Ctor<M>, ...keysOrPks: string[]): Promise<M | null>;
  /** Keys of stored models of the class, by SCAN on every master (READ). */
  afindKeys(options?: { maxResults?: number }): Promise<string[]>;
  /** Whether a model is stored (READ). */
  aexists(keyOrModel: string | AtomicRedisModel): Promise<boolean>;
  /**
   * The stored model of the draft's key (READ|FETCH), or the draft saved whole when it is not
   * stored (CREATE, TTL set): one script, so of concurrent callers exactly one gets 'created'.
   */
  agetOrCreate<M>(this: Ctor<M>, draft: NoInfer<M>): Promise<GetOrCreateResult<M>>;
  /** Saves many models in one pipeline per node (CREATE). */
  ainsert<M>(this: Ctor<M>, ...models: M[]): Promise<M[]>;
  /** Deletes a model by key or pk; true if it existed (DELETE). */
  adeleteByKey(keyOrPk: string): Promise<boolean>;
  /** Deletes every stored model matching `where` (README, Queries). */
  adeleteMany(query: QueryOf<S>): Promise<DeleteResult>;
  /** Deletes many models (DELETE); MissingParameterError when given nothing. */
  adeleteMany(...keysOrModels: (string | AtomicRedisModel)[]): Promise<DeleteResult>;
  /**
   * How many models of the class are stored (SCAN on every master, never KEYS), or with a query
   * how many match its `where` (README, Queries).
   */
  acount(query?: QueryOf<S>): Promise<number>;
  /**
   * Rebuilds the indexes of the class's indexed fields from the stored models, `batchSize` models
   * at a time, calling `onProgress` with the count done so far; answers how many were indexed
   * (README, Queries).
   */
  areindex(options?: { batchSize?: number; onProgress?: (done: number) => void }): Promise<number>;
  /**
   * The lease lock `action` of the model at this key or pk, with the model freshly loaded (null
   * when not stored); `saveAtEnd` saves it fenced (README, Locks).
   */
  alockFromKey<M, R>(this: Ctor<M>, keyOrPk: string, action: string, options: LockOptions, fn: (model: M | null, lock: HeldLock) => Promise<R> | R): Promise<R>;
}
