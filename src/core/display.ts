/** How sizes and project paths are written for people: the extension and the CLI show them alike. */

/** The separator users see and type in nested project paths ("Finance / Monthly"). */
export const PROJECT_PATH_SEPARATOR = ' / ';

/** "512 B", "1.5 KB", "250 MB"; undefined for a size that is not one (missing, negative, NaN). */
export function formatBytes(bytes: number | undefined): string | undefined {
  if (bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return undefined;
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[i]}`;
}
