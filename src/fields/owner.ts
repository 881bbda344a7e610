/**
 * The two sides of the link between a model and its field handles: what a handle may ask of
 * its model (FieldOwner), and what the model asks of every handle (FieldHandle). Kept apart
 * from the handle classes and the field specs so that neither imports the other.
 */
import type { MethodName, ResultOf } from '../ops/table.js';

/** The model a handle belongs to, seen from the field (implemented by AtomicRedisModel). */
export interface FieldOwner {
  /** The model's class name. */
  readonly modelName: string;
  /** The model's main key. */
  readonly key: string;
  /**
   * Runs a method's operation over every key of the model, with `extra` after the TTL arguments,
   * and resolves to its decoded reply; inside a pipeline an operation that queues resolves at
   * once to `local()` (the method's own computation of its result). `otherKeys` (keys of other
   * models in the same hash slot, e.g. sets of a set algebra) go after the model's keys in KEYS.
   */
  runMethod<N extends MethodName>(method: N, extra: readonly string[], local?: () => ResultOf<N>, otherKeys?: readonly string[]): Promise<ResultOf<N>>;
  /** Inside a pipeline, queues a method's script (for the sync in-place methods); else nothing. */
  queueMethod(method: MethodName, extra: readonly string[]): void;
  /** The position in KEYS (1-based: the main hash is 1) of the collection key at `path`. */
  collectionIndex(path: string): number;
  /** Writes the field at `path` (and everything under it) alone. */
  saveField(path: string): Promise<void>;
  /** The payload of asave for the whole (root) model: every field, never a priority queue. */
  savePayload(): string[];
  /** Reloads the field at `path` alone, updates the local copy and returns its value. */
  loadField(path: string): Promise<unknown>;
}

/** What the model asks of every handle (scalar handles, collections, priority queues). */
export interface FieldHandle {
  /** The local value, as stored in a plain object. */
  toJSON(): unknown;
  /** Sets the local value from trusted (already validated) data. */
  setLocal(value: unknown): void;
}
