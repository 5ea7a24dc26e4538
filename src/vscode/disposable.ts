import type * as vscode from 'vscode';

/**
 * Owns what it registers and disposes all of it once, newest first (as the disposables of
 * microsoft/vscode-pull-request-github do), so a listener or emitter cannot outlive its owner.
 */
export class Disposable implements vscode.Disposable {
  private readonly owned: vscode.Disposable[] = [];
  private disposed = false;

  /** Takes ownership of `d`; registered after disposal, it is disposed at once. */
  register<T extends vscode.Disposable>(d: T): T {
    if (this.disposed) d.dispose();
    else this.owned.push(d);
    return d;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.owned.splice(0).reverse()) d.dispose();
  }
}
