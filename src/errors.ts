/**
 * Typed errors (SPEC §9). Every error is a RapyerError; scripts reply `RAPYER_<CODE> <detail>`
 * and `fromScriptError` maps the code to its class, in this one place.
 */
export class RapyerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The model (or the key) is not stored. */
export class KeyNotFound extends RapyerError {}
/** Stored data does not decode or validate against the model. */
export class CorruptedModelError extends RapyerError {}
/** A value does not fit its field; nothing was sent. */
export class ValidationError extends RapyerError {}
/** A refreshTtl value contains DELETE or is not a group mask. */
export class InvalidRefreshTtlError extends RapyerError {}
/** Two models were defined with one name. */
export class DuplicateModelNameError extends RapyerError {}
/** A dict key (or a popped item) is missing. */
export class KeyError extends RapyerError {}
/** Division or modulo by zero; nothing was changed. */
export class ZeroDivisionError extends RapyerError {}
/** An integer result beyond the safe integers, or a float result that is not finite. */
export class OverflowError extends RapyerError {}
/** A lock could not be taken within its wait time. */
export class LockTimeoutError extends RapyerError {}
/** No client: call init() or set Meta.redis. */
export class ScriptsNotInitializedError extends RapyerError {}
/** An argument the library does not support (a Redis too old, a negative power, ...). */
export class UnsupportedArgumentError extends RapyerError {}
/**
 * The connection closed while the operation was in flight: Redis applied it once or not at all
 * (never twice: the library does not let ioredis send it again). Read the model to know.
 */
export class ConnectionLostError extends RapyerError {}
/**
 * init() could not reach the server and load the scripts within `connectTimeoutMs` (or the
 * client closed before it was ready); a connection init opened from a URL is closed.
 */
export class ConnectionTimeoutError extends RapyerError {}
/** Redis is above `maxmemory` (policy noeviction) and refused the write; nothing was written. */
export class OutOfMemoryError extends RapyerError {}

const CODES: Record<string, new (message: string) => RapyerError> = {
  KEY_NOT_FOUND: KeyNotFound,
  CORRUPTED: CorruptedModelError,
  VALIDATION: ValidationError,
  KEY_ERROR: KeyError,
  ZERO_DIVISION: ZeroDivisionError,
  OVERFLOW: OverflowError,
  UNSUPPORTED: UnsupportedArgumentError,
};

/** ioredis's messages for a command whose connection closed before its reply came. */
const CONNECTION_LOST = /^(Command aborted due to connection close|Connection is closed\.|Reached the max retries per request limit)/;

/** Maps a script's error reply to its typed error; other errors are returned unchanged. */
export function fromScriptError(err: unknown, operation: string): unknown {
  if (!(err instanceof Error) || err instanceof RapyerError) return err;
  if (/\bOOM command not allowed/.test(err.message)) return new OutOfMemoryError(`${operation}: ${err.message}`);
  if (CONNECTION_LOST.test(err.message)) return new ConnectionLostError(`${operation}: ${err.message}; it was applied once or not at all`);
  const m = /RAPYER_([A-Z_]+) ?([^\n]*)/.exec(err.message);
  if (!m) return err;
  const Cls = CODES[m[1]!] ?? RapyerError;
  return new Cls(`${operation}: ${describe(m[1]!)} (${m[2]})`);
}

function describe(code: string): string {
  switch (code) {
    case 'KEY_NOT_FOUND': return 'the model is not stored';
    case 'CORRUPTED': return 'the stored value does not validate';
    case 'VALIDATION': return 'the value does not fit the field';
    case 'KEY_ERROR': return 'no such item';
    case 'ZERO_DIVISION': return 'division by zero';
    case 'OVERFLOW': return 'the result is out of range';
    default: return code.toLowerCase().replace(/_/g, ' ');
  }
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
    try { s = JSON.stringify(value) ?? typeof value; } catch { s = typeof value; }
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
