/* Runs bin/actorgres.js as a user would, with no standard input. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from './ports.ts';

export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'actorgres.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `start` and `server` without -p get a free port: the default 5432 is taken on this machine. */
export async function actorgres(...args: string[]): Promise<CliResult> {
  if ((args[0] === 'start' || args[0] === 'server') && !args.includes('-p') && !args.includes('--port')) args = [...args, '-p', String(await freePort())];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PGDATA: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
