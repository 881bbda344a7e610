/**
 * A model's configuration (README, Models and fields): its TTL, its refreshTtl mask and optionally its own client.
 * Each model class has its own Meta; a change applies to the next operation.
 */
import { ActionGroup } from '../actions.js';
import { InvalidRefreshTtlError, ValidationError, show } from '../errors.js';
import type { Client } from '../runtime/client.js';

/** A model's options at definition (`defineModel(name, shape, options)`). */
export interface MetaOptions {
  /** Seconds; null (the default) for no TTL. */
  readonly ttl?: number | null;
  /** Which action groups refresh the TTL: a mask of ActionGroup, true (all but DELETE) or false. */
  readonly refreshTtl?: boolean | number;
  /** This model's own client, used instead of the one given to init(). */
  readonly redis?: Client | null;
  /**
   * false: the model stays out of the registry (the reference's `init_with_rapyer = False`):
   * findRedisModels() does not list it, and module-level operations do not resolve its keys.
   * Default true.
   */
  readonly register?: boolean;
  /** Every field loads safely: see FieldOptions.safeLoad. Default false. */
  readonly safeLoad?: boolean;
}

function checkRefreshTtl(model: string, value: unknown): boolean | number {
  if (typeof value === 'boolean') return value;
  const all = ActionGroup.all();
  // value > all first: `&` works on 32 bits, so 2 ** 53 & ~all is 0
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > all || (value & ~all) !== 0) {
    throw new InvalidRefreshTtlError(`${model}: refreshTtl must be a boolean or a mask of ActionGroup, got ${show(value)}`);
  }
  if (value & ActionGroup.DELETE) {
    throw new InvalidRefreshTtlError(`${model}: refreshTtl cannot contain ActionGroup.DELETE (a deleted key has no TTL to refresh)`);
  }
  return value;
}

function checkTtl(model: string, value: unknown): number | null {
  if (value === null) return null;
  // At least 1 ms once rounded (PEXPIRE 0 would delete every model it refreshes), and an integer Redis accepts.
  const ms = typeof value === 'number' ? Math.round(value * 1000) : NaN;
  if (typeof value !== 'number' || !(Number.isSafeInteger(ms) && ms >= 1)) {
    throw new ValidationError(`${model}: ttl must be null or a number of seconds from 0.001 to ${Number.MAX_SAFE_INTEGER / 1000}, got ${show(value)}`);
  }
  return value;
}

/**
 * A model class's own configuration, `Model.Meta`: its TTL, its refreshTtl mask and optionally
 * its own client. Checked at every assignment; a change applies to the next operation.
 */
export class ModelMeta {
  #ttl: number | null;
  #refreshTtl: boolean | number;
  /** ttlArgs(), made again after a change of ttl or refreshTtl (every call reads it). */
  #args: readonly [string, string] | null = null;
  /** True once ttl was given (at definition or by assignment): init({ ttl }) leaves it alone. */
  ttlGiven: boolean;
  redis: Client | null;
  /** Every field loads safely (a value that does not validate loads as its default). */
  safeLoad: boolean;

  constructor(
    readonly model: string,
    options: MetaOptions = {},
  ) {
    this.ttlGiven = options.ttl !== undefined;
    this.#ttl = checkTtl(model, options.ttl ?? null);
    this.#refreshTtl = checkRefreshTtl(model, options.refreshTtl ?? true);
    this.redis = options.redis ?? null;
    this.safeLoad = options.safeLoad === true;
  }

  /** The TTL in seconds, or null for none. Setting it checks it (ValidationError). */
  get ttl(): number | null {
    return this.#ttl;
  }

  /** Sets the TTL in seconds, or null for none; ValidationError unless null or from 0.001 s. */
  set ttl(value: number | null) {
    this.#ttl = checkTtl(this.model, value);
    this.#args = null;
    this.ttlGiven = true;
  }

  /**
   * Which action groups refresh the TTL: a mask, true (every group but DELETE) or false.
   * Setting a mask with DELETE throws InvalidRefreshTtlError.
   */
  get refreshTtl(): boolean | number {
    return this.#refreshTtl;
  }

  /** Sets which action groups refresh the TTL; InvalidRefreshTtlError unless a boolean or a mask without DELETE. */
  set refreshTtl(value: boolean | number) {
    this.#refreshTtl = checkRefreshTtl(this.model, value);
    this.#args = null;
  }

  /** The refreshTtl mask as a number. */
  get mask(): number {
    const r = this.#refreshTtl;
    return r === true ? ActionGroup.all({ forTtl: true }) : r === false ? 0 : r;
  }

  /** ARGV[2] and ARGV[3] of every script: the mask and the TTL in ms ('' for none). */
  ttlArgs(): readonly [string, string] {
    return (this.#args ??= [String(this.mask), this.#ttl === null ? '' : String(Math.round(this.#ttl * 1000))]);
  }
}
