import * as vscode from 'vscode';
import { PUBLISHABLE_EXTENSIONS, isPublishable } from '../../core/models';
import type { Services } from '../services/services';
import type { ContentNode } from './nodes/base';
import { ProjectNode } from './nodes/projectNode';
import { CONTENT_VIEW_DROP_MIME_TYPES } from '../shell/contract';

const URI_LIST = 'text/uri-list';

/** Files dragged from the Explorer onto a project node are published into that project. */
export class ContentDragAndDrop implements vscode.TreeDragAndDropController<ContentNode> {
  readonly dropMimeTypes = [...CONTENT_VIEW_DROP_MIME_TYPES];
  readonly dragMimeTypes: string[] = [];

  constructor(private readonly services: Services) {}

  async handleDrop(target: ContentNode | undefined, data: vscode.DataTransfer, token: vscode.CancellationToken): Promise<void> {
    const text = await data.get(URI_LIST)?.asString();
    if (!text || token.isCancellationRequested) return;
    const uris = parseUriList(text);
    const files = uris.filter((u) => isPublishable(u.path));
    if (!(target instanceof ProjectNode)) {
      await this.services.ui.notify('info', vscode.l10n.t('Drop workbooks and data sources onto a project to publish them there.'));
      return;
    }
    if (files.length === 0) {
      await this.services.ui.notify('info', vscode.l10n.t('Only {0} files can be published.', PUBLISHABLE_EXTENSIONS.join(' ')));
      return;
    }
    if (target.readOnly) {
      await this.services.ui.notify('warning', vscode.l10n.t('"{0}" is a read-only connection: publishing is turned off.', target.scope.profile.label));
      return;
    }
    // The same command as "Publish Here..." on the project, given the dropped files.
    await vscode.commands.executeCommand('tableau.publish', target, files);
  }
}

/** RFC 2483 text/uri-list: one URI per line, '#' lines are comments. */
export function parseUriList(text: string): vscode.Uri[] {
  const out: vscode.Uri[] = [];
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (!t || t.startsWith('#')) continue;
    try {
      out.push(vscode.Uri.parse(t, true));
    } catch {
      // Not a URI: skip it rather than fail the whole drop.
    }
  }
  return out;
}
