/*
 * A RegressSession on actorgres's own backend code: a SqlSession (what a
 * backend actor runs) with results turned into text as the backend sends
 * them (actors/backend.ts), on a storage rig's shared memory.
 */
import { toWireError, toWireResult } from '../../actors/backend.ts';
import { SqlSession } from '../../sql/session.ts';
import type { SqlProcess } from '../../sql/sqlProcess.ts';
import type { RegressOutcome, RegressSession } from './runner.ts';
import { REGRESS_SESSION_SETTINGS } from './runner.ts';

export async function openActorgresSession(proc: SqlProcess): Promise<RegressSession> {
  const session = new SqlSession(proc, 'postgres', 'regression');
  for (const [name, value] of Object.entries(REGRESS_SESSION_SETTINGS)) {
    const { error } = await session.query(`SET ${name} = '${value}'`);
    if (error) throw error;
  }
  return {
    async query(sql: string): Promise<RegressOutcome> {
      const { results, error } = await session.query(sql);
      const ctx = session.outputContext();
      if (error) {
        const e = toWireError(error);
        return { kind: 'error', ...e, notices: results.flatMap((r) => r.notices) };
      }
      const last = results[results.length - 1];
      if (!last) return { kind: 'command', command: '', rowCount: null, notices: [] };
      const w = toWireResult(last, ctx);
      if (w.fields && w.rows)
        return { kind: 'rows', fields: w.fields.map((f) => ({ name: f.name, typeOid: f.typeOid })), rows: w.rows, command: w.command, rowCount: w.rows.length, notices: w.notices };
      return { kind: 'command', command: w.command, rowCount: w.rowCount, notices: w.notices };
    },
  };
}
