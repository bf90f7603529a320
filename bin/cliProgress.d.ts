/*
 * Types for the part of cli-progress 3.12 (plain JavaScript, no typings of
 * its own) that bin/progressBar.ts uses.
 * @see https://github.com/npkgz/cli-progress#usage
 */
declare module 'cli-progress' {
  export interface Options {
    format?: string;
    stream?: NodeJS.WritableStream;
    barsize?: number;
    barCompleteChar?: string;
    barIncompleteChar?: string;
    hideCursor?: boolean;
    clearOnComplete?: boolean;
    /** Redraws per second at most (default 10). */
    fps?: number;
  }

  export type Payload = Record<string, string | number>;

  export interface Bar {
    update(value: number, payload?: Payload): void;
    stop(): void;
  }

  export class MultiBar {
    constructor(options: Options);
    create(total: number, startValue: number, payload?: Payload): Bar;
    /** Written above the bars at the next redraw. */
    log(text: string): void;
    /** Redraws now (and flushes what log() buffered). */
    update(): void;
    stop(): void;
  }

  const cliProgress: { MultiBar: typeof MultiBar };
  export default cliProgress;
}
