import * as vscode from 'vscode';
import { filesFromArgs } from '../../publish/fileArgs';
import { runPublish } from '../../publish/publishFlow';
import { type FlowOutcome, publishWithFlows } from '../../publish/flowPublish';
import type { PublishOutcome } from '../../publish/publishRunner';
import { defineCommand } from '../command';
import { ProjectNode } from '../../tree/nodes/projectNode';

export const ID = 'tableau.publish';

/**
 * "Publish to Tableau...": from the palette, the Explorer (several files at once), the
 * editor title, or a project node ("publish here"). Returns the outcomes (tests use them).
 */
export const command = defineCommand(ID, async (services, arg?: unknown, args?: unknown): Promise<(PublishOutcome | FlowOutcome)[] | undefined> => {
    if (arg instanceof ProjectNode) {
      // A read-only connection is refused inside the flow, with the usual error message.
      // Files dropped on the project come as `args`; from its menu, the active file or a pick.
      const files = await filesFromArgs(services, undefined, args, { pickIfNone: true });
      if (files.length === 0) return undefined;
      const preset = { profile: arg.scope.profile, siteContentUrl: arg.scope.siteContentUrl, projectId: arg.project.id, projectPath: arg.path };
      // Flows (.tfl, .tflx) go through the flow publisher; the rest as before.
      return publishWithFlows(services, files, preset, (rest) => runPublish(services, rest, preset));
    }
    const files = await filesFromArgs(services, arg, args, { pickIfNone: true });
    if (files.length === 0) return undefined;
    return publishWithFlows(services, files, undefined, (rest) => runPublish(services, rest));
}, { errorPrefix: vscode.l10n.t('Publish failed:') });
