/** What every field handle shares: its owner model, its path, its spec. */
import type { AnyField, Where } from './spec.js';
import type { FieldOwner } from './owner.js';

export type { FieldOwner } from './owner.js';

/** A field of a model instance (the reference's BaseRedisType). */
export abstract class BaseRedisType {
  // `declare`d and assigned: an emitted class field is a define per instance (profiles of afind).
  declare protected readonly owner: FieldOwner;
  /** Dotted path from the root model, e.g. `address.city`. */
  declare readonly path: string;
  /** The field's spec: what `field.*` returned for it. */
  declare readonly spec: AnyField;

  constructor(owner: FieldOwner, path: string, spec: AnyField) {
    this.owner = owner;
    this.path = path;
    this.spec = spec;
  }

  /** The model key and field path, as error messages name them. */
  protected get where(): Where {
    return { model: this.owner.key, path: this.path };
  }

  /** Reloads this field alone from Redis and returns its value (READ). */
  aload(): Promise<unknown> {
    return this.owner.loadField(this.path);
  }

  /** Writes this field alone (UPDATE). `KeyNotFound` when the model is not stored. */
  async asave(): Promise<this> {
    await this.owner.saveField(this.path);
    return this;
  }

  /** The local value, as stored in a plain object. */
  abstract toJSON(): unknown;
  /** Sets the local value from trusted (already validated) data. */
  abstract setLocal(value: unknown): void;
}
