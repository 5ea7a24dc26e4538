import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { finished } from 'node:stream/promises';
import * as vscode from 'vscode';
import { cancelled, TableauError } from '../../../core/errors';
import { formatBytes } from '../../../core/display';
import { MAX_NAME_BYTES, safeFileName } from '../../../core/fileNames';
import { toAbortSignal } from '../../services/cancellation';
import type { Services } from '../../services/services';
import { defineCommand } from '../command';
import { type ItemRef, kindLabel, resolveRef } from './itemRef';

export const ID = 'tableau.download';

/**
 * Downloads a workbook or data source into the workspace, streamed to disk with a
 * cancellable progress notification. Returns the saved file's path (tests use it).
 */
export const command = defineCommand(ID, async (services, node?: unknown): Promise<string | undefined> => {
  const ref = await resolveRef(services, node, ['workbook', 'datasource'], { placeHolder: vscode.l10n.t('Download from Tableau') });
  if (!ref || (ref.kind !== 'workbook' && ref.kind !== 'datasource')) return undefined;
  const folder = await targetFolder(services);
  if (!folder) return undefined;
  const saved = await download(services, { ...ref, kind: ref.kind }, folder);
  if (!saved) return undefined;
  const open = vscode.l10n.t('Reveal in Explorer');
  void services.ui.notify('info', vscode.l10n.t('Downloaded "{0}" to {1}.', ref.name, path.basename(saved)), open).then((a) => {
    if (a === open) void vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(saved));
  });
  return saved;
}, { errorPrefix: vscode.l10n.t('Download failed:') });

async function targetFolder(services: Services): Promise<string | undefined> {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
  if (folders.length === 0) {
    await services.ui.notify('info', vscode.l10n.t('Open a folder first: downloads are saved into the workspace.'));
    return undefined;
  }
  if (folders.length === 1) return folders[0].uri.fsPath;
  const chosen = await services.ui.pick(
    'content.downloadFolder',
    folders.map((f) => ({ id: f.name, label: f.name, description: f.uri.fsPath, folder: f })),
    { placeHolder: vscode.l10n.t('Save into which workspace folder?') },
  );
  return chosen?.folder.uri.fsPath;
}

async function download(services: Services, ref: ItemRef & { kind: 'workbook' | 'datasource' }, folder: string): Promise<string | undefined> {
  // The server decides between packaged and plain forms: write to a temporary name, sniff, rename.
  // Both names are cut to fit the file system (a server-chosen name may be any length).
  // Unique per download, so the same item downloaded twice at once never collides.
  const tmp = path.join(folder, `.${safeFileName(ref.name, `.${process.pid}-${randomBytes(4).toString('hex')}.tableau-download`, MAX_NAME_BYTES - 1)}`);
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Downloading {0} "{1}"', kindLabel(ref.kind), ref.name), cancellable: true },
    async (progress, token) => {
      const signal = toAbortSignal(token);
      // The file is created before anything goes on the wire: a folder that cannot take it fails
      // here, as an error, instead of as a stream error in the middle of the transfer.
      const sink = await createFile(tmp);
      try {
        const client = await services.connections.getClient(ref.profile.id, { siteContentUrl: ref.siteContentUrl, purpose: 'download', signal });
        let last = 0;
        const onProgress = (bytes: number, total?: number): void => {
          const increment = total ? ((bytes - last) / total) * 100 : undefined;
          last = bytes;
          const size = formatBytes(bytes) ?? '';
          progress.report({ increment, message: total ? `${size} / ${formatBytes(total)}` : size });
        };
        const done = ref.kind === 'workbook'
          ? client.downloadWorkbook(ref.id, sink, { signal, onProgress })
          : client.downloadDataSource(ref.id, sink, { signal, onProgress });
        await done;
        await closed(sink);
        const target = uniquePath(folder, ref.name, await extensionOf(tmp, ref.kind));
        await fs.promises.rename(tmp, target);
        services.logger.info(`Downloaded ${ref.kind} ${ref.id} to ${target}.`);
        return target;
      } catch (e) {
        // Clean-up is best effort: its own failure must never hide why the download failed.
        sink.destroy();
        await finished(sink).catch(() => undefined); // closed, so the file can be removed (Windows)
        await fs.promises.rm(tmp, { force: true }).catch((err: unknown) => services.logger.warn(`Could not remove ${tmp}: ${(err as Error).message}`));
        if (signal.aborted) throw cancelled();
        throw e;
      }
    },
  );
}

/** Opens a new file for writing (never an existing one), as a stream that closes the file when it ends. */
async function createFile(file: string): Promise<fs.WriteStream> {
  let fh: fs.promises.FileHandle;
  try {
    fh = await fs.promises.open(file, 'wx');
  } catch (e) {
    throw new TableauError({ reason: 'invalidFile', message: `Cannot create a file in ${path.dirname(file)}: ${(e as Error).message}`, cause: e });
  }
  return fh.createWriteStream();
}

/** Ends the file (whether or not the core ended it) and waits until it is closed, so rename sees every byte. */
function closed(sink: fs.WriteStream): Promise<void> {
  if (sink.closed) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    sink.once('close', () => resolve());
    sink.once('error', reject);
    if (!sink.writableEnded) sink.end();
  });
}

/** Zip archives (packaged forms) start with "PK". */
async function extensionOf(file: string, kind: 'workbook' | 'datasource'): Promise<string> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const head = Buffer.alloc(2);
    await fh.read(head, 0, 2, 0);
    const zipped = head.toString('latin1') === 'PK';
    return kind === 'workbook' ? (zipped ? '.twbx' : '.twb') : zipped ? '.tdsx' : '.tds';
  } finally {
    await fh.close();
  }
}

/** Enough for any folder a person keeps; past that, say so rather than search on. */
const MAX_COPIES = 1000;

function uniquePath(folder: string, name: string, ext: string): string {
  for (let i = 1; i <= MAX_COPIES; i++) {
    const p = path.join(folder, safeFileName(name, i === 1 ? ext : ` (${i})${ext}`));
    if (!fs.existsSync(p)) return p;
  }
  throw new TableauError({ reason: 'invalidFile', message: `${folder} already holds ${MAX_COPIES} copies of "${name}"; move some away and download again.` });
}
