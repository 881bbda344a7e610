/**
 * The static types of queries (README, Queries): which fields a `where` and an `orderBy` may
 * name, and what values they take. They read the phantom `index` of each field spec
 * (src/fields/spec.ts): a field built with `index: true` carries its kind there, a nested model
 * field carries its shape, any other field nothing a query can use. compileQuery
 * (src/query/where.ts) checks the same rules at run time, for callers the types do not reach.
 */
import type { IndexKind } from '../fields/spec.js';
import type { Shape } from '../model/schema.js';

type Types<F> = F extends { readonly __types?: infer T } ? NonNullable<T> : never;
/** The value type of a field spec (its phantom). */
export type ValueOf<F> = Types<F> extends { value: infer V } ? V : never;
/** A field spec's phantom `index`: its IndexKind when indexed, a NestedIndex for a nested model, else false. */
export type IndexOf<F> = Types<F> extends { index: infer X } ? X : false;

/** The keys that combine sub-queries; a field of one of these names cannot be queried. */
export type Combinator = 'AND' | 'OR' | 'NOT';
/** The kinds that are ordered: ranges (`gt`, `gte`, `lt`, `lte`) and orderBy take them. */
export type Ranged = 'int' | 'float' | 'datetime' | 'str';

/** A sort direction of orderBy. */
export type Direction = 'asc' | 'desc';

/** What every indexed field takes: equality, inequality and membership (null only when optional). */
export interface EqualityOps<V> {
  readonly eq?: V;
  /** Every model whose value is not this one, null included. */
  readonly ne?: V;
  /** Any of these values; an empty array matches nothing. */
  readonly in?: readonly V[];
}

/** Bounds, on int, float, datetime and str fields (strings compare by UTF-8 bytes); never null. */
export interface RangeOps<V> {
  readonly gt?: V;
  readonly gte?: V;
  readonly lt?: V;
  readonly lte?: V;
}

/** On str fields: the value starts with this text. */
export interface PrefixOps {
  readonly startsWith?: string;
}

/** The operator object of an indexed field of value type `V` and kind `K`. */
export type OperatorsOf<V, K extends IndexKind> = EqualityOps<V> &
  (K extends Ranged ? RangeOps<NonNullable<V>> : unknown) &
  (K extends 'str' ? PrefixOps : unknown);

/** What a where-object takes for one field: a value (equality) or an operator object. */
export type FieldWhere<F> =
  IndexOf<F> extends infer X
    ? X extends IndexKind
      ? ValueOf<F> | OperatorsOf<ValueOf<F>, X>
      : X extends { readonly shape: infer N extends Shape }
        ? [keyof WhereFields<N>] extends [never]
          ? never
          : WhereOf<N>
        : never
    : never;

/** The fields a where-object may name: indexed ones, and nested models holding indexed ones. */
export type WhereFields<S extends Shape> = {
  readonly [K in keyof S as K extends Combinator ? never : [FieldWhere<S[K]>] extends [never] ? never : K]?: FieldWhere<S[K]>;
};

/**
 * A where-object of a model of shape `S`: indexed fields (a nested model's as a nested
 * where-object), and `AND`, `OR`, `NOT` combining where-objects of the same level; all its keys
 * must hold (AND). `{}` matches every stored model of the class.
 */
export type WhereOf<S extends Shape> = WhereFields<S> & {
  readonly AND?: readonly WhereOf<S>[];
  /** Any of these; an empty array matches nothing. */
  readonly OR?: readonly WhereOf<S>[];
  readonly NOT?: WhereOf<S>;
};

/** What orderBy takes for one field: a direction, or for a nested model its own orderBy. */
export type OrderEntry<F> =
  IndexOf<F> extends infer X
    ? X extends Ranged
      ? Direction
      : X extends { readonly shape: infer N extends Shape }
        ? [keyof OrderFields<N>] extends [never]
          ? never
          : OrderByOf<N>
        : never
    : never;

/** The fields an orderBy may name: indexed int, float, datetime and str ones, and nested models holding such. */
export type OrderFields<S extends Shape> = {
  readonly [K in keyof S as [OrderEntry<S[K]>] extends [never] ? never : K]: OrderEntry<S[K]>;
};

/**
 * orderBy of a model of shape `S`: exactly one indexed int, float, datetime or str field and its
 * direction (`{ age: 'desc' }`, nested as `{ address: { city: 'asc' } }`).
 */
export type OrderByOf<S extends Shape> = {
  [K in keyof OrderFields<S>]: { readonly [P in K]: OrderFields<S>[K] } & { readonly [P in Exclude<keyof OrderFields<S>, K>]?: never };
}[keyof OrderFields<S>];

/** What acount and adeleteMany take: `{ where }`. */
export interface QueryOf<S extends Shape> {
  readonly where: WhereOf<S>;
}

/** What afindOne takes: `{ where, orderBy? }`. */
export interface FindOneQueryOf<S extends Shape> extends QueryOf<S> {
  readonly orderBy?: OrderByOf<S>;
}

/** What afind takes: `{ where, orderBy?, maxResults?, offset? }`. */
export interface FindQueryOf<S extends Shape> extends FindOneQueryOf<S> {
  /** At most this many models (a non-negative integer). */
  readonly maxResults?: number;
  /** Skip this many matches first (a non-negative integer; 0 when not given). */
  readonly offset?: number;
}
