/**
 * Field specs: what `field.str()`, `field.int()`, ... return. A spec knows its kind, options,
 * codec and how to check a value; its phantom types drive the static inference of models.
 */
import { compile, firstError } from '../schema/ajv.js';
import { WRONG_TYPE, type ScalarCodec } from '../schema/scalar-codecs.js';
import { CorruptedModelError, ValidationError, show } from '../errors.js';
import type { ValidateFunction } from 'ajv';
import type { FieldHandle, FieldOwner } from './owner.js';

/** Builds the handle of a field on a model instance. */
export type MakeHandle = (owner: FieldOwner, path: string, spec: AnyField, value: unknown) => FieldHandle;

export type ScalarKind = 'str' | 'int' | 'float' | 'bool' | 'bytes' | 'datetime' | 'json' | 'enum';
export type CollectionKind = 'list' | 'dict' | 'set' | 'pq';
export type FieldKind = ScalarKind | CollectionKind | 'model';

/** A JSON value: what a `field.json()` field holds. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The options every field builder takes (`field.str({ default: '' })`; README, Models and fields). */
export interface FieldOptions<T> {
  /** A value, or a factory called for each new model. */
  readonly default?: T | (() => T);
  /** The field may hold null (and defaults to null). */
  readonly optional?: boolean;
  /** The model's pk comes from this field (str or int, not optional). */
  readonly key?: boolean;
  /**
   * A stored value that no longer validates loads as the field's default instead of failing the
   * whole model; the field's path is then listed in `model.failedFields`.
   */
  readonly safeLoad?: boolean;
  /** The field is kept locally only: never written to Redis nor read from it (it loads as its default). */
  readonly exclude?: boolean;
  /**
   * The field is indexed: queries (`Model.afind({ where })`) can ask for it, and every write keeps
   * its index exact in the same script (README, Queries). On str, int, float, bool, datetime
   * and enum fields only.
   */
  readonly index?: boolean;
}

/** The kinds a field may be indexed on (`index: true`). */
export const INDEXABLE: ReadonlySet<FieldKind> = new Set(['str', 'int', 'float', 'bool', 'datetime', 'enum']);

/** Kinds whose runtime values are primitives: a checked value stays valid. */
const IMMUTABLE: ReadonlySet<FieldKind> = new Set(['str', 'int', 'float', 'bool', 'enum']);

/** The kinds a field may be indexed on, as the static types know them (INDEXABLE at run time). */
export type IndexKind = 'str' | 'int' | 'float' | 'bool' | 'datetime' | 'enum';
/** A field's phantom `index`: its kind `K` when the options say `index: true`, else false. */
export type Indexed<O, K extends IndexKind> = O extends { index: true } ? K : false;
/** A nested model field's phantom `index`: the nested shape, whose indexed fields queries may name. */
export interface NestedIndex<S> {
  readonly shape: S;
}

/** `T | null` when the options say optional. */
export type Nullable<T, O> = O extends { optional: true } ? T | null : T;
/** Whether a constructor must be given this field. */
export type Required<O> = O extends { optional: true } ? false : O extends { default: unknown } ? false : true;

/** A UTF-16 surrogate without its pair (in u mode a pair is one code point, not matched). */
const LONE_SURROGATE = /\p{Cs}/u;

/** What FieldSpec.decodeOr answers for a stored text that does not decode or validate. */
export const INVALID: unique symbol = Symbol('invalid stored value');

/** Where a value is checked, for error messages: `Session:{u1}.visits`. */
export interface Where {
  readonly model: string;
  readonly path: string;
}

export function at(where: Where): string {
  return `${where.model} field "${where.path}"`;
}

/**
 * A field of a model. `V` is the value type, `H` the handle type on an instance, `I` the type a
 * constructor accepts, `R` whether the constructor requires it, `X` what a query may ask of it
 * (src/query/types.ts): an IndexKind when the field is indexed, a NestedIndex for a nested
 * model, anything else (false; unknown when not given) when queries cannot name it.
 */
export class FieldSpec<V = unknown, H = unknown, I = V, R extends boolean = boolean, X = unknown> {
  declare readonly __types?: { value: V; handle: H; input: I; required: R; index: X };
  readonly #validate: ValidateFunction | undefined;
  /** The codec's plain check (null too when optional): true proves `#validate` would pass. */
  readonly #accepts: ((plain: unknown) => boolean) | undefined;
  /** str, int, float, bool, enum: a checked value stays valid (encodeLocal). */
  readonly #immutable: boolean;
  #encodedDefault: string | undefined;

  constructor(
    readonly kind: FieldKind,
    readonly options: FieldOptions<unknown>,
    readonly make: MakeHandle,
    readonly codec?: ScalarCodec<unknown>,
    /** A collection's item spec, or a nested model's class. */
    readonly ref?: unknown,
  ) {
    this.#immutable = IMMUTABLE.has(kind);
    if (codec) {
      const base = codec.schema;
      this.#validate = compile(options.optional ? { anyOf: [base, { type: 'null' }] } : base);
      const accepts = codec.accepts;
      this.#accepts = options.optional ? (p) => p === null || accepts(p) : accepts;
    } else {
      this.#accepts = undefined;
    }
  }

  /**
   * Whether a plain value passes the field's JSON Schema: the codec's plain check, and ajv only
   * when that says no (ajv's verdict then stands, and its errors name the failure).
   */
  #valid(plain: unknown): boolean {
    return this.#accepts!(plain) || this.#validate!(plain);
  }

  /** Whether the field may hold null (its `optional` option). */
  get optional(): boolean {
    return this.options.optional === true;
  }

  /** The default value, a fresh one for factories; undefined when there is none. */
  defaultValue(): unknown {
    const d = this.options.default;
    if (typeof d === 'function') return (d as () => unknown)();
    // An object default (a json object, a Date, bytes) is copied: instances never share it.
    if (d !== null && typeof d === 'object') return structuredClone(d);
    if (d !== undefined) return d;
    return this.optional ? null : undefined;
  }

  /** Runtime value → plain JSON value, checked by ajv; throws ValidationError. */
  toPlain(where: Where, value: unknown): unknown {
    if (value === null && this.optional) return null;
    const plain = value === null ? WRONG_TYPE : this.codec!.toPlain(value);
    if (plain === WRONG_TYPE || !this.#valid(plain)) {
      const why = plain === WRONG_TYPE ? `wrong type for a ${this.kind}` : firstError(this.#validate!);
      throw new ValidationError(`${at(where)}: ${why}, got ${show(value)}`);
    }
    // An indexed string is compared by its UTF-8 bytes, which a lone surrogate does not have.
    if (this.options.index && typeof plain === 'string' && LONE_SURROGATE.test(plain)) {
      throw new ValidationError(`${at(where)}: an indexed str cannot hold a lone surrogate (it has no UTF-8 form), got ${show(value)}`);
    }
    return plain;
  }

  /** Checks a runtime value and returns it as the field stores it locally. */
  check(where: Where, value: unknown): V {
    const plain = this.toPlain(where, value);
    return (plain === null ? null : this.codec!.fromPlain(plain)) as V;
  }

  /**
   * A model's own local value → the text stored in the hash. A value of an immutable kind (str,
   * int, float, bool, enum) was checked when it entered the model (constructor, `.value =`,
   * aupdate, a load) and cannot have changed since, so it is not checked again; a value that can
   * be changed in place (json, bytes, datetime) is.
   */
  encodeLocal(key: string, path: string, value: unknown): string {
    return this.#immutable ? JSON.stringify(value) : this.encode({ model: key, path }, value);
  }

  /** Runtime value → the text stored in the hash. */
  encode(where: Where, value: unknown): string {
    return JSON.stringify(this.toPlain(where, value));
  }

  /** Stored text → runtime value; returns an error text when it does not decode or validate. */
  decode(raw: string): { ok: true; value: V } | { ok: false; why: string } {
    let plain: unknown;
    try {
      plain = JSON.parse(raw);
    } catch {
      return { ok: false, why: `not JSON: ${show(raw)}` };
    }
    if (!this.#valid(plain)) return { ok: false, why: `${firstError(this.#validate!)}: ${show(raw)}` };
    return { ok: true, value: (plain === null ? null : this.codec!.fromPlain(plain)) as V };
  }

  /**
   * Stored text → runtime value, or CorruptedModelError naming the model key and the field (the
   * same text as decode's `why`): the path of every model read, without a result object.
   */
  decodeAt(key: string, path: string, raw: string): V {
    const v = this.decodeOr(raw);
    if (v === INVALID) throw new CorruptedModelError(`${key} field "${path}": ${this.whyInvalid(raw)}`);
    return v;
  }

  /** Stored text → runtime value, or INVALID when it does not decode or validate (whyInvalid tells why). */
  decodeOr(raw: string): V | typeof INVALID {
    let plain: unknown;
    try {
      plain = JSON.parse(raw);
    } catch {
      return INVALID;
    }
    if (!this.#valid(plain)) return INVALID;
    return (plain === null ? null : this.codec!.fromPlain(plain)) as V;
  }

  /** Why decodeOr refused a stored text: decode's `why`. */
  whyInvalid(raw: string): string {
    const r = this.decode(raw);
    return r.ok ? 'invalid' : r.why;
  }

  /** The stored text of the default, for scripts working on a record that predates the field. */
  encodedDefault(): string {
    if (this.#encodedDefault !== undefined) return this.#encodedDefault;
    const d = this.defaultValue();
    const text = d === undefined ? '' : JSON.stringify(d === null ? null : this.codec!.toPlain(d));
    if (typeof this.options.default !== 'function') this.#encodedDefault = text; // a factory may change
    return text;
  }
}

export type AnyField = FieldSpec<unknown, unknown, unknown, boolean>;
