/*
 * Failures of the storage layer, with PostgreSQL's SQLSTATEs. Lua scripts
 * answer negative codes; this is the one place that maps them.
 */

export class StorageError extends Error {
  override name = 'StorageError';
  constructor(
    readonly sqlstate: string,
    message: string,
  ) {
    super(message);
  }
}

/** Codes the Lua scripts return (first element of the reply, or the reply itself). */
export const enum ScriptCode {
  /** Another running transaction holds the tuple: wait for its xid, then retry. */
  Wait = -1,
  /** The tuple was changed by a transaction that committed (REPEATABLE READ). */
  SerializationFailure = -2,
  /** The tuple was changed by a transaction that committed (READ COMMITTED: follow `next`). */
  Updated = -3,
  /** A page must be read from its data file into shared buffers first. */
  PageNotLoaded = -4,
  NoSuchTuple = -5,
  NoSuchRelation = -6,
  /** This transaction already changed the tuple. */
  SelfUpdated = -7,
  NotRunning = -8,
  DuplicateRelation = -9,
  WalBufferMismatch = -10,
  /** A live version already has this key in a unique index (the second element names the index). */
  UniqueViolation = -11,
  /** A running transaction holds the row, and the caller asked not to wait (NOWAIT, SKIP LOCKED). */
  RowLocked = -12,
  /** A sequence reached its maximum (or minimum) and does not cycle. */
  SequenceLimit = -13,
  /** A table-level lock is taken by another transaction and NOWAIT was asked. */
  LockNotAvailable = -20,
  /** A lock mode name the lock manager does not know. */
  UnknownLockMode = -21,
}

/** A unique index refused a key; the SQL layer turns it into 23505 with the constraint's name and key. */
export class UniqueViolation extends StorageError {
  override name = 'UniqueViolation';
  constructor(readonly indexId: number) {
    super('23505', `duplicate key value violates unique index ${indexId}`);
  }
}

export function serializationFailure(): StorageError {
  return new StorageError('40001', 'could not serialize access due to concurrent update');
}

/** A lock wait outlasted its lock timeout (PostgreSQL's lock_timeout). */
export function lockTimeout(): StorageError {
  return new StorageError('55P03', 'canceling statement due to lock timeout');
}

export function scriptFailure(code: number, what: string): StorageError {
  switch (code) {
    case ScriptCode.SerializationFailure:
      return serializationFailure();
    case ScriptCode.NoSuchTuple:
      return new StorageError('XX000', `${what}: no such tuple`);
    case ScriptCode.NoSuchRelation:
      return new StorageError('42P01', `${what}: relation does not exist`);
    case ScriptCode.NotRunning:
      return new StorageError('25P01', `${what}: the transaction is not running`);
    case ScriptCode.DuplicateRelation:
      return new StorageError('42P07', `${what}: relation already exists`);
    case ScriptCode.LockNotAvailable:
      return new StorageError('55P03', `could not obtain lock on ${what}`);
    case ScriptCode.UnknownLockMode:
      return new StorageError('XX000', `${what}: unknown lock mode`);
    case ScriptCode.WalBufferMismatch:
      return new StorageError('XX000', `${what}: the WAL buffer does not start with the records written`);
    default:
      return new StorageError('XX000', `${what}: unexpected script reply ${code}`);
  }
}

/** Decoding helpers: replies are checked, never cast. */
export function replyArray(reply: unknown, what: string): unknown[] {
  if (!Array.isArray(reply)) throw new StorageError('XX000', `${what}: expected an array reply, got ${typeof reply}`);
  return reply;
}

export function replyInt(value: unknown, what: string): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  throw new StorageError('XX000', `${what}: expected an integer, got ${JSON.stringify(value)}`);
}

export function replyString(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  throw new StorageError('XX000', `${what}: expected a string, got ${typeof value}`);
}
