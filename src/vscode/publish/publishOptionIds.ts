/** Which publish options a file is offered (no vscode import, so the rule is unit-tested). */
import type { ContentKind } from '../../core/models';

export type PublishOptionId = 'showTabs' | 'skipConnectionCheck' | 'asJob' | 'description' | 'tags' | 'moreSettings';

/**
 * The options offered for a workbook or a data source, in the order shown. `showTabs` and
 * `skipConnectionCheck` are Publish Workbook parameters only (TSC sends skipConnectionCheck
 * for workbooks only), so a data source is never offered them.
 */
export function publishOptionIds(kind: ContentKind): PublishOptionId[] {
  // More settings… (owner, thumbnails, permissions) last: one item, so a plain publish asks nothing more.
  const common: PublishOptionId[] = ['asJob', 'description', 'tags', 'moreSettings'];
  return kind === 'workbook' ? ['showTabs', 'skipConnectionCheck', ...common] : common;
}

/** The chosen options a publish of this kind may carry (anything else chosen is dropped). */
export function applicableOptions(kind: ContentKind, chosen: Iterable<PublishOptionId>): Set<PublishOptionId> {
  const offered = new Set(publishOptionIds(kind));
  return new Set([...chosen].filter((id) => offered.has(id)));
}
