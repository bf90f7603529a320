/*
 * WAL writer (PostgreSQL's walwriter.c): drains the WAL buffer to the segment
 * files, fdatasyncs, advances the flushed LSN and wakes every committer it
 * covered (storage/walFlush.ts). It sleeps in a blocking Redis call while
 * there is nothing to write.
 *
 * Lifecycle: a permanent child of the postmaster's supervisor, the first one
 * started (so it stops last: the shutdown checkpoint still needs it), placed
 * on a worker process. Stops when asked (its loop ends after the current
 * flush). If it crashes or its worker dies, it is restarted and reopens WAL
 * at the flushed LSN: records leave the buffer only once durable, so none is
 * lost; committers simply wait a little longer.
 */
import { WalFlusher } from '../storage/walFlush.ts';
import { auxLoopActor } from './auxLoop.ts';

export const walWriter = auxLoopActor('walwriter', (engine, args) => WalFlusher.open(engine, Number(args['segmentSize'])));
