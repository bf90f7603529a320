/*
 * Background writer (PostgreSQL's bgwriter.c): keeps the pages resident in
 * Redis within shared_buffers by a clock sweep, writing dirty victims to
 * their data files first (storage/bufferEviction.ts). It sleeps in a blocking
 * Redis call until a page load pushes residency past the limit.
 *
 * Lifecycle: a permanent child of the postmaster's supervisor, started after
 * the WAL writer (whose flushes it waits for) and placed on a worker process.
 * Stops when asked; if it dies, it is restarted, and until then Redis may hold
 * more pages than shared_buffers.
 */
import { BufferEvictor } from '../storage/bufferEviction.ts';
import { auxLoopActor } from './auxLoop.ts';

export const bgwriter = auxLoopActor('bgwriter', (engine) => BufferEvictor.open(engine));
