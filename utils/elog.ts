/*
 * Server log lines in PostgreSQL's shape:
 *   2026-11-25 08:14:51.123 UTC [4242] LOG:  database system is ready
 * Levels and their order follow elog.h as used by log_min_messages.
 */
export const LEVELS = ['debug5', 'debug4', 'debug3', 'debug2', 'debug1', 'info', 'notice', 'warning', 'error', 'log', 'fatal', 'panic'] as const;
export type Level = (typeof LEVELS)[number];

export type LogSink = (line: string) => void;

let minLevel: Level = 'warning';
let sink: LogSink = (line) => process.stderr.write(line + '\n');

export function setLogMinMessages(level: Level): void {
  minLevel = level;
}

export function setLogSink(s: LogSink): void {
  sink = s;
}

export function elog(level: Level, message: string, detail?: string): void {
  if (LEVELS.indexOf(level) < LEVELS.indexOf(minLevel)) return;
  const ts = new Date().toISOString().replace('T', ' ').replace('Z', ' UTC');
  const tag = level.startsWith('debug') ? 'DEBUG' : level.toUpperCase();
  sink(`${ts} [${process.pid}] ${tag}:  ${message}${detail ? `\n${ts} [${process.pid}] DETAIL:  ${detail}` : ''}`);
}
