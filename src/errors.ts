/**
 * Typed errors. Every error the library raises is a RapyerError with a `code` from ERROR_CODES,
 * the one list of codes: scripts reply `RAPYER_<CODE> <detail>`, and fromScriptError maps the
 * code to its class here. The error that caused it (an ioredis ReplyError, a socket error) is
 * kept as the standard `cause`. See docs/reliability.md and the README's Errors part.
 */
export interface RapyerErrorOptions {
  /** The error that caused this one (an ioredis ReplyError, a socket error, ...). */
  readonly cause?: unknown;
}

/**
 * The base of every error the library raises: `code` names it (one of ERROR_CODES), `cause`
 * keeps what went wrong underneath, and the message names the operation, the model key and the
 * field involved (README, Errors).
 */
export abstract class RapyerError extends Error {
  /** The error's code: a key of ERROR_CODES. */
  declare readonly code: ErrorCode;
  /** What a script's `RAPYER_<CODE>` reply means, in a few words. */
  static readonly summary: string = 'error';

  constructor(message: string, options?: RapyerErrorOptions) {
    super(message, options && 'cause' in options ? { cause: options.cause } : undefined);
    this.name = new.target.name;
  }
}

/** The model (or the key) is not stored. */
export class KeyNotFound extends RapyerError {
  override readonly code = 'KEY_NOT_FOUND';
  static override readonly summary = 'the model is not stored';
}
/** Stored data does not decode or validate against the model, or a key holds another Redis type. */
export class CorruptedModelError extends RapyerError {
  override readonly code = 'CORRUPTED';
  static override readonly summary = 'the stored value does not validate';
}
/** A value does not fit its field, or a request is too large; nothing was sent. */
export class ValidationError extends RapyerError {
  override readonly code = 'VALIDATION';
  static override readonly summary = 'the value does not fit the field';
}
/** A dict key (or a popped item) is missing. */
export class KeyError extends RapyerError {
  override readonly code = 'KEY_ERROR';
  static override readonly summary = 'no such item';
}
/** Division or modulo by zero; nothing was changed. */
export class ZeroDivisionError extends RapyerError {
  override readonly code = 'ZERO_DIVISION';
  static override readonly summary = 'division by zero';
}
/** An integer result beyond the safe integers, or a float result that is not finite. */
export class OverflowError extends RapyerError {
  override readonly code = 'OVERFLOW';
  static override readonly summary = 'the result is out of range';
}
/**
 * A lease lock was no longer ours when alock / alockFromKey ended (its lease ran out, or the key
 * was taken or replaced): with `saveAtEnd` nothing was saved. When the callback had returned
 * normally, `result` holds what it returned.
 */
export class LockLostError extends RapyerError {
  override readonly code = 'LOCK_LOST';
  static override readonly summary = 'the lock was lost';
  /** What the callback returned (it ran to the end). */
  result?: unknown;
}
/** An argument the library does not support (a Redis too old, a negative power, ...). */
export class UnsupportedArgumentError extends RapyerError {
  override readonly code = 'UNSUPPORTED';
  static override readonly summary = 'unsupported';
}
/** A refreshTtl value contains DELETE or is not a group mask. */
export class InvalidRefreshTtlError extends RapyerError {
  override readonly code = 'INVALID_REFRESH_TTL';
  static override readonly summary = 'invalid refreshTtl';
}
/** Two models were defined with one name. */
export class DuplicateModelNameError extends RapyerError {
  override readonly code = 'DUPLICATE_MODEL_NAME';
  static override readonly summary = 'duplicate model name';
}
/** A lock could not be taken within its wait time. */
export class LockTimeoutError extends RapyerError {
  override readonly code = 'LOCK_TIMEOUT';
  static override readonly summary = 'the lock is not free';
}
/** No client: call init() or set Meta.redis. */
export class ScriptsNotInitializedError extends RapyerError {
  override readonly code = 'SCRIPTS_NOT_INITIALIZED';
  static override readonly summary = 'no Redis client';
}
/**
 * The connection closed while the operation was in flight: Redis applied it once or not at all
 * (never twice: the library does not let ioredis send it again). Read the model to know.
 */
export class ConnectionLostError extends RapyerError {
  override readonly code = 'CONNECTION_LOST';
  static override readonly summary = 'the connection was lost';
}
/**
 * init() could not reach the server and load the scripts within `connectTimeoutMs` (or the
 * client closed before it was ready); a connection init opened from a URL is closed.
 */
export class ConnectionTimeoutError extends RapyerError {
  override readonly code = 'CONNECTION_TIMEOUT';
  static override readonly summary = 'the server could not be reached in time';
}
/** Redis is above `maxmemory` (policy noeviction) and refused the write; nothing was written. */
export class OutOfMemoryError extends RapyerError {
  override readonly code = 'OUT_OF_MEMORY';
  static override readonly summary = 'Redis is out of memory';
}
/** A call that needs arguments got none (e.g. adeleteMany() with nothing to delete). */
export class MissingParameterError extends RapyerError {
  override readonly code = 'MISSING_PARAMETER';
  static override readonly summary = 'a required argument is missing';
}
/** Any other error Redis replied (an ACL refusal, a script error, ...); `cause` holds it. */
export class RedisError extends RapyerError {
  override readonly code = 'REDIS';
  static override readonly summary = 'Redis replied an error';
}

/** Every error code, with its class. Scripts raise `RAPYER_<CODE>` with one of these codes. */
export const ERROR_CODES = {
  KEY_NOT_FOUND: KeyNotFound,
  CORRUPTED: CorruptedModelError,
  VALIDATION: ValidationError,
  KEY_ERROR: KeyError,
  ZERO_DIVISION: ZeroDivisionError,
  OVERFLOW: OverflowError,
  UNSUPPORTED: UnsupportedArgumentError,
  INVALID_REFRESH_TTL: InvalidRefreshTtlError,
  DUPLICATE_MODEL_NAME: DuplicateModelNameError,
  LOCK_TIMEOUT: LockTimeoutError,
  LOCK_LOST: LockLostError,
  SCRIPTS_NOT_INITIALIZED: ScriptsNotInitializedError,
  CONNECTION_LOST: ConnectionLostError,
  CONNECTION_TIMEOUT: ConnectionTimeoutError,
  OUT_OF_MEMORY: OutOfMemoryError,
  MISSING_PARAMETER: MissingParameterError,
  REDIS: RedisError,
} as const;

/** Every error code: the keys of ERROR_CODES, which scripts raise as `RAPYER_<CODE>`. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Compile-time check: each class's `code` is its key in ERROR_CODES. */
type CodesMatch = { [K in ErrorCode]: InstanceType<(typeof ERROR_CODES)[K]>['code'] extends K ? true : false };
const codesMatch: CodesMatch[ErrorCode] extends true ? true : never = true;
void codesMatch;

/** Narrows an unknown error to a RapyerError of one code. */
export function isRapyerError<C extends ErrorCode>(e: unknown, code?: C): e is InstanceType<(typeof ERROR_CODES)[C]> {
  return e instanceof RapyerError && (code === undefined || e.code === code);
}

/** ioredis's messages for a command whose connection closed before its reply came. */
const CONNECTION_LOST = /^(Command aborted due to connection close|Connection is closed\.|Reached the max retries per request limit|Stream isn't writeable)/;

const isCode = (c: string): c is ErrorCode => Object.hasOwn(ERROR_CODES, c);

/**
 * Maps an error met while running `operation` (a script's error reply, an ioredis error) to a
 * RapyerError, keeping the original as `cause`. A RapyerError is returned as it is, except a
 * bare ConnectionLostError (from a closed connection), which gets the operation's name.
 */
export function fromScriptError(err: unknown, operation: string): RapyerError {
  if (err instanceof RapyerError && !(err instanceof ConnectionLostError && CONNECTION_LOST.test(err.message))) return err;
  const message = err instanceof Error ? err.message : String(err);
  const m = /RAPYER_([A-Z_]+) ?([^\n]*)/.exec(message);
  if (m && m[1] !== 'REDIS') {
    const code = m[1]!;
    if (!isCode(code)) return new RedisError(`${operation}: unknown error code ${code} (${m[2]})`, { cause: err });
    const Cls = ERROR_CODES[code];
    return new Cls(`${operation}: ${Cls.summary} (${m[2]})`, { cause: err });
  }
  // A Redis error: as replied, or wrapped by pipeline/batch as 'RAPYER_REDIS <message> [...]'.
  const text = m ? m[2]! : message;
  if (/^WRONGTYPE\b/.test(text)) {
    return new CorruptedModelError(`${operation}: a key of the model holds another Redis type than the model stores there (${text})`, { cause: err });
  }
  if (/\bOOM command not allowed/.test(text)) return new OutOfMemoryError(`${operation}: ${text}`, { cause: err });
  if (CONNECTION_LOST.test(text)) return new ConnectionLostError(`${operation}: ${text}; it was applied once or not at all`, { cause: err });
  return new RedisError(`${operation}: ${text}`, { cause: err });
}

/** A short, bounded rendering of a value for error messages. */
export function show(value: unknown): string {
  let s: string;
  if (typeof value === 'string') s = JSON.stringify(value);
  else if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') s = String(value);
  else if (value === null || value === undefined) s = String(value);
  else if (value instanceof Date) s = `Date(${value.getTime()})`;
  else if (value instanceof Uint8Array) s = `Uint8Array(${value.length})`;
  else {
    try {
      s = JSON.stringify(value) ?? typeof value;
    } catch {
      s = typeof value;
    }
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
