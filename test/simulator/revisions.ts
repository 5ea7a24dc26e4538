/**
 * Revision history of workbooks and data sources: every overwrite keeps the content it
 * replaces as an older revision (up to the site's revision limit, oldest dropped first),
 * with its publisher and date. Tableau's site settings `revisionHistoryEnabled` and
 * `revisionLimit` (schema siteType; limit -1 = unlimited, else 2..10000) govern it.
 */
import * as fs from 'node:fs';
import type { SimConfig } from './config';
import { isoNow, type ItemRec, type StoredBlob } from './store';

/** Tableau's default number of revisions kept per item ("Maintain a History of Revisions": 25). */
export const DEFAULT_REVISION_LIMIT = 25;

export interface RevisionRec {
  number: number;
  /** Undefined once the revision is removed (its bytes are gone, the listing shows it deleted). */
  blob?: StoredBlob;
  publisherId: string;
  publishedAt: string;
  deleted: boolean;
}

export interface SiteRevisionSettings {
  revisionHistoryEnabled: boolean;
  /** -1 = unlimited. */
  revisionLimit: number;
}

interface ItemHistory {
  revisions: RevisionRec[];
  next: number;
}

function removeFile(blob: StoredBlob | undefined): void {
  if (blob?.filePath) fs.rm(blob.filePath, { force: true }, () => undefined);
}

export class RevisionHistory {
  private readonly items = new Map<string, ItemHistory>();
  private readonly overrides = new Map<string, Partial<SiteRevisionSettings>>();

  constructor(private readonly config: SimConfig, private readonly contentUrlOf: (siteId: string) => string | undefined) {}

  settingsOf(siteId: string): SiteRevisionSettings {
    const cu = this.contentUrlOf(siteId);
    const seeded = this.config.sites?.find((s) => s.contentUrl === cu);
    const over = this.overrides.get(siteId) ?? {};
    return {
      revisionHistoryEnabled: over.revisionHistoryEnabled ?? seeded?.revisionHistoryEnabled ?? true,
      revisionLimit: over.revisionLimit ?? seeded?.revisionLimit ?? this.config.revisionLimit ?? DEFAULT_REVISION_LIMIT,
    };
  }

  /** An administrator changed the site's settings (tests and /_sim/site-settings). */
  setSettings(siteId: string, s: Partial<SiteRevisionSettings>): void {
    this.overrides.set(siteId, { ...this.overrides.get(siteId), ...s });
  }

  /** The item's revisions, oldest first; an item nobody overwrote yet has revision 1, its current content. */
  of(item: ItemRec): RevisionRec[] {
    return this.history(item).revisions;
  }

  private history(item: ItemRec): ItemHistory {
    let h = this.items.get(item.id);
    if (!h) {
      h = { revisions: [{ number: 1, blob: item.blob, publisherId: item.ownerId, publishedAt: item.updatedAt, deleted: false }], next: 2 };
      this.items.set(item.id, h);
    }
    return h;
  }

  current(item: ItemRec): RevisionRec {
    const rs = this.of(item);
    return rs[rs.length - 1];
  }

  /**
   * `previous` is being overwritten with `blob`: the old content stays as a revision when the
   * site keeps history (the oldest beyond the limit dropped with their files), else its file goes.
   */
  recordOverwrite(previous: ItemRec, blob: StoredBlob, publisherId: string): void {
    const h = this.history(previous);
    const { revisionHistoryEnabled, revisionLimit } = this.settingsOf(previous.siteId);
    const rec: RevisionRec = { number: h.next++, blob, publisherId, publishedAt: isoNow(), deleted: false };
    if (!revisionHistoryEnabled) {
      for (const r of h.revisions) removeFile(r.blob);
      h.revisions = [rec];
      return;
    }
    h.revisions.push(rec);
    if (revisionLimit > 0) {
      while (h.revisions.length > revisionLimit) removeFile(h.revisions.shift()!.blob);
    }
  }

  /** Removes revision `n` (not the current one): its bytes go, the listing keeps it as deleted. */
  remove(item: ItemRec, n: number): void {
    const r = this.of(item).find((x) => x.number === n);
    if (!r) return;
    removeFile(r.blob);
    r.blob = undefined;
    r.deleted = true;
  }

  /** The item was deleted: every older revision's file goes (the caller removes the current one). */
  drop(item: ItemRec): void {
    const h = this.items.get(item.id);
    if (!h) return;
    for (const r of h.revisions) if (r.blob !== item.blob) removeFile(r.blob);
    this.items.delete(item.id);
  }
}
