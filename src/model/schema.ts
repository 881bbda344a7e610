/**
 * A model's schema, flattened for storage: scalar leaves live in the main hash under their
 * dotted path; collection fields live in their own keys. Nested models add their fields under
 * `${name}.` (README, Storage layout).
 */
import { INDEXABLE, type AnyField } from '../fields/spec.js';
import { UnsupportedArgumentError, ValidationError, show } from '../errors.js';

/** A model's fields as given to `defineModel`: field name → what `field.*` returned. */
export type Shape = Record<string, AnyField>;

export interface Leaf {
  readonly path: string;
  readonly spec: AnyField;
}

/** What a nested model field points to: anything with a schema. */
export interface HasSchema {
  readonly schema: ModelSchema;
}

const FIELD_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export class ModelSchema {
  /** Scalar fields stored in the main hash, nested ones included. */
  readonly leaves: readonly Leaf[];
  /** Collection fields, each in its own key `${main}:${path}`. */
  readonly collections: readonly Leaf[];
  /** The indexed leaves (`index: true`), nested ones included, in `leaves` order (README, Queries). */
  readonly indexed: readonly Leaf[];
  readonly keyField: string | null;
  readonly leafByPath: ReadonlyMap<string, Leaf>;
  /** A leaf's path → its position in `leaves`. */
  readonly leafIndex: ReadonlyMap<string, number>;
  /** The top-level field names, in the shape's order, and their specs (instances index their handles by it). */
  readonly names: readonly string[];
  readonly specs: readonly AnyField[];
  /** Field name → its position in `names`. */
  readonly indexOf: ReadonlyMap<string, number>;
  /** For each leaf, then each collection: its handle's position in `names`, or -1 when it is inside a nested model. */
  readonly leafHandle: readonly number[];
  readonly collectionHandle: readonly number[];

  constructor(
    readonly name: string,
    readonly shape: Shape,
    reserved: ReadonlySet<string>,
  ) {
    let keyField: string | null = null;
    for (const [fname, spec] of Object.entries(shape)) {
      if (!FIELD_NAME.test(fname) || reserved.has(fname)) {
        throw new ValidationError(`${name}: ${show(fname)} cannot be a field name (reserved, or not an identifier)`);
      }
      if (spec.options.exclude && (spec.options.key || spec.kind === 'model' || spec.kind === 'pq')) {
        throw new UnsupportedArgumentError(
          `${name}: ${fname} cannot be excluded from storage (a key field, a nested model or a priority queue lives in Redis)`,
        );
      }
      if (spec.options.index && (fname === 'AND' || fname === 'OR' || fname === 'NOT')) {
        throw new UnsupportedArgumentError(`${name}: ${fname} cannot be indexed (a where-object reads AND, OR and NOT as combinators; README, Queries)`);
      }
      if (spec.options.index && (!INDEXABLE.has(spec.kind) || spec.options.exclude)) {
        throw new UnsupportedArgumentError(
          `${name}: ${fname} cannot be indexed (index: true is for str, int, float, bool, datetime and enum fields that are stored)`,
        );
      }
      if (spec.options.key) {
        if (keyField) throw new ValidationError(`${name}: two key fields, ${keyField} and ${fname}`);
        if ((spec.kind !== 'str' && spec.kind !== 'int') || spec.optional) {
          throw new ValidationError(`${name}: the key field ${fname} must be a str or int field that is not optional`);
        }
        keyField = fname;
      }
    }
    this.keyField = keyField;
    const leaves: Leaf[] = [];
    const collections: Leaf[] = [];
    flatten(shape, '', leaves, collections);
    this.leaves = leaves;
    this.collections = collections;
    this.indexed = leaves.filter((l) => l.spec.options.index === true);
    this.leafByPath = new Map(leaves.map((l) => [l.path, l]));
    this.leafIndex = new Map(leaves.map((l, i) => [l.path, i]));
    this.names = Object.keys(shape);
    this.specs = Object.values(shape);
    this.indexOf = new Map(this.names.map((n, i) => [n, i]));
    const handleOf = (l: Leaf) => (l.path.includes('.') ? -1 : this.indexOf.get(l.path)!);
    this.leafHandle = leaves.map(handleOf);
    this.collectionHandle = collections.map(handleOf);
  }

  /** The leaves and collections at or under a dotted path. */
  under(path: string): { leaves: Leaf[]; collections: Leaf[] } {
    const inside = (l: Leaf) => l.path === path || l.path.startsWith(`${path}.`);
    return { leaves: this.leaves.filter(inside), collections: this.collections.filter(inside) };
  }
}

function flatten(shape: Shape, prefix: string, leaves: Leaf[], collections: Leaf[]): void {
  for (const [fname, spec] of Object.entries(shape)) {
    const path = prefix + fname;
    if (spec.options.exclude) continue; // kept locally only: never stored, never read
    if (spec.kind === 'model') flatten((spec.ref as HasSchema).schema.shape, `${path}.`, leaves, collections);
    else if (spec.codec) leaves.push({ path, spec });
    else collections.push({ path, spec });
  }
}
