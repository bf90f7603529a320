/*
 * The redo progress bar of `actorgres server` (on stderr) and `actorgres
 * start` (on stdout) when they run on a terminal, drawn from `recovery`
 * cluster events by cli-progress:
 *
 *   redo [██████████████░░░░░░░░░░░░░░░░] 47% | 0/1A4F2C8 of 0/1D00000 | 1234 records
 *
 * It appears at the first step of redo (a start with no WAL to redo shows
 * none), stays at 100% with the end of WAL once redo is done, and log lines
 * written meanwhile appear above it. Without a terminal the log lines every
 * 10% say the same (storage/recovery.ts).
 */
import cliProgress from 'cli-progress';
import type { Bar, MultiBar } from 'cli-progress';
import type { ClusterEvent } from '../actors/postmaster.ts';
import { formatLsn } from '../storage/wal/walFormat.ts';

export type RecoveryEvent = Extract<ClusterEvent, { type: 'recovery' }>;

export class RecoveryProgressBar {
  private bars: MultiBar | null = null;
  private bar: Bar | null = null;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  /** A log line: above the bar while it is drawn, else straight to the stream. */
  log(line: string): void {
    if (this.bars) this.bars.log(line + '\n');
    else this.stream.write(line + '\n');
  }

  /** Feeds one recovery event: the first step draws the bar, every step moves it, the end finishes it. */
  update(e: RecoveryEvent): void {
    const payload = { lsn: formatLsn(e.lsn), end: formatLsn(e.endLsn), records: e.records };
    if (e.phase === 'begin') {
      this.stop(); // a new redo (crash-restart) starts a new bar
      return;
    }
    if (!this.bar) {
      if (e.phase === 'end') return; // nothing was drawn: nothing to finish
      this.bars = new cliProgress.MultiBar({
        format: 'redo [{bar}] {percentage}% | {lsn} of {end} | {records} records',
        stream: this.stream,
        barsize: 30,
        barCompleteChar: '\u2588',
        barIncompleteChar: '\u2591',
        // The cursor stays visible: a Ctrl-C during start-up ends the process before any clean-up could show it again.
        hideCursor: false,
      });
      this.bar = this.bars.create(100, 0, payload);
    }
    this.bar.update(e.percent, payload);
    if (e.phase === 'end') this.stop();
  }

  /** Leaves the bar as it stands (and the lines logged above it) on the terminal. */
  stop(): void {
    if (!this.bars) return;
    this.bars.update();
    this.bars.stop();
    this.bars = null;
    this.bar = null;
  }
}
