/*
 * actorgres: PostgreSQL's process architecture as supervised actors on Node.js,
 * with Redis as shared memory. The public API.
 */
export { startCluster, Cluster } from './cluster.ts';
export type { ClusterOptions, ClusterStatus, BackgroundWorkerHandle } from './cluster.ts';
export { PMState } from './actors/postmaster.ts';
export type { ClusterEvent } from './actors/postmaster.ts';
export type { BackgroundWorkerSpec, BackgroundWorkerContext, BackgroundWorkerMain } from './actors/bgworker.ts';
export { initDataDirectory } from './utils/dataDir.ts';
export type { StorageEngine } from './storage/engine.ts';
export type { Transaction, Isolation, Ctid, TupleRef, WriteResult } from './storage/transaction.ts';
export { StorageError } from './storage/errors.ts';
export type { InitOptions, InitResult, AuthMethod } from './utils/dataDir.ts';
export type { Json, JsonObject, ExitReason } from './supervision/types.ts';
export type { RestartKind } from './supervision/childSpec.ts';
export type { ShutdownMode } from './supervision/wire.ts';
export { Session } from './session.ts';
export type { QueryResult, FieldDef, TransactionOptions } from './session.ts';
export { SqlError } from './sql/errors.ts';
