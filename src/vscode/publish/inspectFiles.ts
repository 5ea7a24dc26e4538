import * as path from 'node:path';
import * as vscode from 'vscode';
import { errorText } from '../services/errors';
import type { Services } from '../services/services';

/**
 * Inspects files before a publish (workbooks and data sources, or flows): refusals are told in
 * plain words in one notification, the accepted ones returned, each inspection's warnings logged.
 */
export async function inspectFiles<T>(services: Services, files: readonly vscode.Uri[], inspect: (fsPath: string) => Promise<T>, warningsOf?: (info: T) => readonly string[]): Promise<T[]> {
  const infos: T[] = [];
  const refused: string[] = [];
  for (const f of files) {
    if (f.scheme !== 'file') {
      refused.push(vscode.l10n.t('"{0}" is not on this machine\'s disk.', path.basename(f.path)));
      continue;
    }
    try {
      const info = await inspect(f.fsPath);
      for (const w of warningsOf?.(info) ?? []) services.logger.warn(`${path.basename(f.fsPath)}: ${w}`);
      infos.push(info);
    } catch (e) {
      services.logger.warn(`Refused ${f.fsPath}:`, e instanceof Error ? e.message : String(e));
      refused.push(errorText(e));
    }
  }
  if (refused.length) {
    const text = infos.length
      ? vscode.l10n.t('Skipping {0} file(s): {1}', refused.length, refused.join(' '))
      : vscode.l10n.t('Nothing to publish. {0}', refused.join(' '));
    void services.ui.notify(infos.length ? 'warning' : 'error', text);
  }
  return infos;
}
