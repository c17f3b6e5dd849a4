import type { Output } from '../cli/io';
import { formatBytes, formatRate, formatSeconds } from './format';

/** What the upload and download engines report as bytes move. */
export interface Progress {
  /** A new phase ("hashing", "uploading"): `total` bytes in `items` files or parts. */
  start(label: string, total: number, items?: number): void;
  add(bytes: number): void;
  /** Bytes counted by `add` that have to be counted again (a retried request). */
  undo(bytes: number): void;
  itemDone(): void;
  /** Ends the phase: the bar's line is cleared. */
  finish(): void;
}

export const noProgress: Progress = {
  start: () => undefined,
  add: () => undefined,
  undo: () => undefined,
  itemDone: () => undefined,
  finish: () => undefined,
};

/**
 * A one-line progress bar redrawn in place (carriage return), at most ten times a second:
 *   uploading  [██████████░░░░░░░░░░]  52%  12.3 MiB / 23.6 MiB  4.2 MiB/s  ETA 3 s  (3/7)
 */
export class ProgressBar implements Progress {
  private label = '';
  private total = 0;
  private done = 0;
  private items = 0;
  private itemsDone = 0;
  private startedAt = 0;
  private drawnAt = 0;
  private drawn = false;

  constructor(
    private readonly out: Output,
    private readonly now: () => number = () => performance.now(),
  ) {}

  start(label: string, total: number, items = 0): void {
    this.label = label;
    this.total = total;
    this.items = items;
    this.done = 0;
    this.itemsDone = 0;
    this.startedAt = this.now();
    this.drawnAt = 0;
    this.draw(true);
  }

  add(bytes: number): void {
    this.done += bytes;
    this.draw(false);
  }

  undo(bytes: number): void {
    this.done = Math.max(0, this.done - bytes);
  }

  itemDone(): void {
    this.itemsDone++;
    this.draw(this.itemsDone === this.items);
  }

  finish(): void {
    if (!this.drawn) return;
    this.draw(true);
    this.out.write('\r\x1b[K');
    this.drawn = false;
  }

  /** The bar's text (without the carriage return), for a given terminal width. */
  render(columns = 80): string {
    const elapsed = Math.max((this.now() - this.startedAt) / 1000, 1e-3);
    const rate = this.done / elapsed;
    const ratio = this.total > 0 ? Math.min(1, this.done / this.total) : 1;
    const eta = rate > 0 && this.done < this.total ? `  ETA ${formatSeconds((this.total - this.done) / rate)}` : '';
    const count = this.items > 1 ? `  (${this.itemsDone}/${this.items})` : '';
    const tail =
      `${String(Math.floor(ratio * 100)).padStart(3)}%  ${formatBytes(this.done)} / ${formatBytes(this.total)}` +
      `  ${formatRate(rate)}${eta}${count}`;
    const barWidth = columns >= 80 ? 20 : 10; // fixed, so the line does not jitter as the numbers change
    const filled = Math.round(ratio * barWidth);
    return `${this.label}  [${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}]  ${tail}`;
  }

  private draw(force: boolean): void {
    const t = this.now();
    if (!force && t - this.drawnAt < 100) return;
    this.drawnAt = t;
    this.drawn = true;
    this.out.write(`\r\x1b[K${this.render(this.out.columns || 80)}`);
  }
}
