/** Samples resident memory every `everyMs` (50 ms by default) and keeps the peak. */
export class RssSampler {
  readonly baseline = process.memoryUsage.rss();
  peak = this.baseline;
  readonly #timer: NodeJS.Timeout;

  constructor(everyMs = 50) {
    this.#timer = setInterval(() => this.sample(), everyMs);
  }

  sample(): void {
    this.peak = Math.max(this.peak, process.memoryUsage.rss());
  }

  stop(): { baselineMb: number; peakMb: number } {
    clearInterval(this.#timer);
    this.sample();
    return { baselineMb: this.baseline / 2 ** 20, peakMb: this.peak / 2 ** 20 };
  }
}
