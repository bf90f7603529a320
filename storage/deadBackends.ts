/*
 * Ending the transactions of a process that died (PostgreSQL's postmaster
 * resets all backends after a crash; here only the dead process's sessions
 * end, DESIGN.md 2). Every xid is recorded under the pid of the process that
 * assigned it ({p}xids:pid:<pid>, lib/mvcc.lua), so another process can end
 * them:
 *  - a transaction whose commit record was written (it is in {p}committing)
 *    may already be durable: it is finished as committed once WAL is flushed
 *    past that record, exactly as its own backend would have done;
 *  - any other transaction is aborted: abort record, CLOG, its row locks
 *    (xmax marks) and table locks freed, its waiters woken.
 */
import type { StorageEngine } from './engine.ts';
import { replyInt } from './errors.ts';
import { WAL_HEADER_SIZE } from './wal/walFormat.ts';

export interface EndedTransactions {
  aborted: number[];
  committed: number[];
}

export async function endTransactionsOfPid(engine: StorageEngine, pid: number): Promise<EndedTransactions> {
  const keys = engine.keys;
  const xids = (await engine.guard(engine.redis.smembers(keys.xidsOfPid(pid)))).map(Number).sort((a, b) => a - b);
  const out: EndedTransactions = { aborted: [], committed: [] };
  for (const xid of xids) {
    const commitLsn = await engine.guard(engine.redis.zscore(keys.committing(), String(xid)));
    if (commitLsn !== null) {
      await engine.notifications.waitForFlush(Number(commitLsn) + WAL_HEADER_SIZE);
      if (replyInt(await engine.script('xactEnd', [keys.procarray(), keys.committing()], [keys.prefix, xid]), 'xactEnd') === 1) out.committed.push(xid);
      continue;
    }
    const r = replyInt(await engine.script('xactAbort', [...keys.walBlock(), keys.procarray(), keys.committing()], [keys.prefix, xid]), 'xactAbort');
    if (r === 1) out.aborted.push(xid);
  }
  return out;
}
