/**
 * The clock of one HTTP request: an overall deadline (undici's own timeouts only measure
 * idle time, so a server trickling a byte every few seconds would never trip them), and a
 * notice of what is being waited for when the server has been silent for a while.
 */
export interface RequestClockOptions {
  deadlineMs: number;
  /** The caller's signal: aborting it aborts the request too. */
  outer?: AbortSignal;
  /** First notice after this much silence, then after twice as long, and so on. 0 = never. */
  noticeMs: number;
  onNotice: (silentMs: number) => void;
}

export class RequestClock {
  private readonly controller = new AbortController();
  private readonly deadline: NodeJS.Timeout;
  private noticeTimer?: NodeJS.Timeout;
  private lastActivity = Date.now();
  private nextNoticeAt: number;
  private readonly onOuterAbort = (): void => this.controller.abort(this.opts.outer?.reason);
  /** True once the deadline passed (and the request was aborted for it). */
  expired = false;

  constructor(private readonly opts: RequestClockOptions) {
    this.nextNoticeAt = opts.noticeMs;
    this.deadline = setTimeout(() => {
      this.expired = true;
      this.controller.abort();
    }, opts.deadlineMs);
    opts.outer?.addEventListener('abort', this.onOuterAbort, { once: true });
    if (opts.noticeMs > 0) this.arm(opts.noticeMs);
  }

  /** Aborted by the caller or by the deadline. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The server sent something: the silence starts again. Cheap: called for every body chunk. */
  activity(): void {
    this.lastActivity = Date.now();
    this.nextNoticeAt = this.opts.noticeMs;
  }

  dispose(): void {
    clearTimeout(this.deadline);
    clearTimeout(this.noticeTimer);
    this.noticeTimer = undefined;
    this.opts.outer?.removeEventListener('abort', this.onOuterAbort);
  }

  private arm(ms: number): void {
    this.noticeTimer = setTimeout(() => this.check(), Math.max(1, ms));
    this.noticeTimer.unref();
  }

  private check(): void {
    if (this.controller.signal.aborted) return;
    const silent = Date.now() - this.lastActivity;
    if (silent >= this.nextNoticeAt) {
      this.opts.onNotice(silent);
      this.nextNoticeAt *= 2;
    }
    // At most noticeMs away, so a new silence after some activity is noticed on time.
    this.arm(Math.min(this.opts.noticeMs, this.nextNoticeAt - silent));
  }
}
