import type * as vscode from 'vscode';

/** The one place a CancellationToken becomes an AbortSignal. */
export function toAbortSignal(token: vscode.CancellationToken): AbortSignal {
  const ac = new AbortController();
  if (token.isCancellationRequested) {
    ac.abort();
  } else {
    const sub = token.onCancellationRequested(() => {
      sub.dispose();
      ac.abort();
    });
  }
  return ac.signal;
}
