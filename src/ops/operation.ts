/**
 * An operation, as one typed object: the method it is, the script it runs, its action groups,
 * what it does inside a pipeline, whether running it twice is harmless, and how its reply is
 * decoded. Everything that used to be a separate list is derived from these descriptors: which
 * calls queue in a pipeline, which may be sent again after a lost connection, which scripts the
 * pipeline batch carries, the README's API table (scripts/api-table.ts), and the checks of each
 * Lua header's `Groups` line (test/operations.test.ts).
 */
import type { ScriptName } from '../runtime/scripts.js';

export type { ScriptName };

/**
 * Inside `apipeline`: `queue` (the call joins the pipeline's one script and its promise
 * resolves at once, with the method's local result), or `now` (it runs against Redis at once,
 * because it returns what is stored: reads, pops, duplicates, removals that answer whether the
 * item was there).
 */
export type InPipeline = 'queue' | 'now';

/**
 * One operation's descriptor: what the library needs to run it, queue it, retry it and decode
 * its reply (README, Architecture). `R` is the decoded result.
 */
export interface Operation<R = unknown> {
  /** `Owner.method`, the TypeScript name (the reference's Python name, camelCased). */
  readonly name: string;
  /** The script it runs (a sync method: the script it queues inside a pipeline). */
  readonly script: ScriptName;
  /** Its action groups (ActionGroup bits); ARGV[1] of the script. */
  readonly groups: number;
  /** `groups` as the decimal string the script reads (made once). */
  readonly groupsArg: string;
  /**
   * Only for an operation that may create the model (agetOrCreate, the upsert form of
   * aincrease): its groups when the model is found stored. `groups` are then those of the
   * outcome that creates it (ARGV[1]); the script reads these from ARGV[4] and runs its TTL step
   * with the groups of the outcome it had.
   */
  readonly storedGroups?: number;
  readonly pipeline: InPipeline;
  /**
   * Running it twice is harmless (it only reads, or sets an exact state), so when its
   * connection closes before the reply, the runner sends it again instead of failing.
   */
  readonly idempotent: boolean;
  /** The script's reply → the method's result. Identity when absent. */
  readonly decode?: (reply: unknown) => R;
}

/** The groups that write: CREATE, UPDATE, APPEND, DELETE, ERASE, ARITHMETIC. */
const WRITES = 4 | 8 | 16 | 32 | 64 | 128;

export interface OperationOptions<R> {
  /** Default: `queue` for writes, `now` for reads. */
  readonly pipeline?: InPipeline;
  /** Default: true for reads (no write group), false for writes. */
  readonly idempotent?: boolean;
  readonly decode?: (reply: unknown) => R;
  /** See Operation.storedGroups. */
  readonly storedGroups?: number;
}

/** A descriptor without its name (the table's key gives it). */
export type Unnamed<R = unknown> = Omit<Operation<R>, 'name'>;

export function op<R = unknown>(script: ScriptName, groups: number, options: OperationOptions<R> = {}): Unnamed<R> {
  const writes = (groups & WRITES) !== 0;
  return {
    script,
    groups,
    groupsArg: String(groups),
    ...(options.storedGroups !== undefined ? { storedGroups: options.storedGroups } : {}),
    pipeline: options.pipeline ?? (writes ? 'queue' : 'now'),
    idempotent: options.idempotent ?? !writes,
    ...(options.decode ? { decode: options.decode } : {}),
  };
}

/** Reply decoders shared by several operations. */
export const asNumber = (reply: unknown): number => Number(reply);
export const asFlag = (reply: unknown): boolean => reply === 1;
