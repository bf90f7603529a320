/*
 * Sequences (PostgreSQL's sequence.c): a sequence is a relation whose one
 * page holds the value WAL covers, written 32 increments ahead; the live
 * value is in shared memory (storage/scripts/seqNextval-7.lua). nextval and
 * setval are not transactional: a rolled-back transaction does not give its
 * values back, and after a crash a sequence resumes past every value handed
 * out (with a gap of up to 32 increments), as in PostgreSQL.
 */
import type { StorageEngine } from './engine.ts';
import { replyArray, replyInt, ScriptCode, scriptFailure, StorageError } from './errors.ts';

export interface SequenceOptions {
  increment: number;
  min: number;
  max: number;
  start: number;
  cycle: boolean;
}

/** Why a sequence refused: it reached `limit` and does not cycle. */
export class SequenceLimitReached extends StorageError {
  override name = 'SequenceLimitReached';
  constructor(readonly limit: number) {
    super('2200H', `sequence reached its limit ${limit}`);
  }
}

async function seqScript(engine: StorageEngine, relid: number, opts: SequenceOptions, args: Array<string | number>): Promise<number> {
  const keys = engine.keys;
  for (;;) {
    const reply = replyArray(
      await engine.script(
        'seqNextval',
        [...keys.walBlock(), keys.ckptRedo(), keys.dirty(), keys.rel(relid), keys.seq(relid)],
        [keys.prefix, relid, opts.increment, opts.min, opts.max, opts.cycle ? 1 : 0, opts.start, ...args],
      ),
      'seqNextval',
    );
    const first = replyInt(reply[0], 'seqNextval');
    if (first === ScriptCode.PageNotLoaded) {
      await engine.loadPage(relid, 0);
      continue;
    }
    if (first === ScriptCode.SequenceLimit) throw new SequenceLimitReached(replyInt(reply[1], 'seqNextval'));
    if (first < 0) throw scriptFailure(first, `sequence ${relid}`);
    return replyInt(reply[1], 'seqNextval');
  }
}

export function nextval(engine: StorageEngine, relid: number, opts: SequenceOptions): Promise<number> {
  return seqScript(engine, relid, opts, ['next']);
}

/** setval: the next nextval returns value + increment (isCalled) or value itself. */
export function setval(engine: StorageEngine, relid: number, opts: SequenceOptions, value: number, isCalled: boolean): Promise<number> {
  return seqScript(engine, relid, opts, ['set', value, isCalled ? 1 : 0]);
}
