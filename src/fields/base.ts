/** What every field handle shares: its owner model, its path, its spec. */
import type { MethodName } from '../actions.js';
import type { AnyField, Where } from './spec.js';

/** The model a handle belongs to, seen from the field (implemented by AtomicRedisModel). */
export interface FieldOwner {
  /** The model's class name. */
  readonly modelName: string;
  /** The model's main key. */
  readonly key: string;
  /** Runs a method's script over every key of the model, with `extra` after the TTL arguments. */
  runMethod(method: MethodName, extra: readonly string[]): Promise<unknown>;
  /** Inside a pipeline, queues a method's script (for the sync in-place methods); else nothing. */
  queueMethod(method: MethodName, extra: readonly string[]): void;
  /** The position in KEYS (1-based: the main hash is 1) of the collection key at `path`. */
  collectionIndex(path: string): number;
  /** Writes the field at `path` (and everything under it) alone. */
  saveField(path: string): Promise<void>;
  /** Reloads the field at `path` alone, updates the local copy and returns its value. */
  loadField(path: string): Promise<unknown>;
}

/** A field of a model instance (the reference's BaseRedisType). */
export abstract class BaseRedisType {
  constructor(
    protected readonly owner: FieldOwner,
    /** Dotted path from the root model, e.g. `address.city`. */
    readonly path: string,
    readonly spec: AnyField,
  ) {}

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
