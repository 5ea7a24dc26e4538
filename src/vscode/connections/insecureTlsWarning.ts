import * as vscode from 'vscode';
import type { Logger } from '../../core/logger';
import type { Ui } from '../services/ui';

/**
 * The warning that TLS certificate verification is off (`http.proxyStrictSSL: false`): once per
 * window, and again after the HTTP settings change.
 */
export class InsecureTlsWarning {
  private warned = false;

  constructor(
    private readonly logger: Logger,
    private readonly getUi: () => Ui,
  ) {}

  warnOnce(): void {
    if (this.warned) return;
    this.warned = true;
    this.logger.warn('TLS certificate verification is off because http.proxyStrictSSL is false.');
    void this.getUi().notify(
      'warning',
      vscode.l10n.t('Certificate verification is off for Tableau connections because "http.proxyStrictSSL" is false. Anyone on the network path could read your credentials. Prefer a CA file on the connection.'),
    );
  }

  /** The HTTP settings changed: the next insecure transport warns again. */
  reset(): void {
    this.warned = false;
  }
}
