// When a crashed language server is restarted. No `vscode` import here: unit-tested with node --test.

export interface RestartDecision {
  /** Whether to restart the server now. */
  readonly restart: boolean;
  /** How many restarts (including this one, when restarting) fall within the window. */
  readonly restartsInWindow: number;
}

/**
 * Restart a crashed server up to `maxRestarts` times within `windowMs`; a further crash within the
 * window is final until someone restarts the server by hand (which calls reset()).
 */
export class RestartPolicy {
  private restarts: number[] = [];

  constructor(
    readonly maxRestarts = 5,
    readonly windowMs = 3 * 60 * 1000,
    private readonly now: () => number = Date.now,
  ) {}

  onCrash(): RestartDecision {
    const now = this.now();
    this.restarts = this.restarts.filter((t) => now - t < this.windowMs);
    if (this.restarts.length >= this.maxRestarts) {
      return { restart: false, restartsInWindow: this.restarts.length };
    }
    this.restarts.push(now);
    return { restart: true, restartsInWindow: this.restarts.length };
  }

  reset(): void {
    this.restarts = [];
  }
}
