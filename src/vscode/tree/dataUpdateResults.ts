/**
 * The last incremental data update of each data source in this window (Update Published Data…),
 * shown on its tree row until the window closes: Tableau keeps no record of it a listing shows.
 */
const results = new Map<string, string>();
const MAX_REMEMBERED = 200;

export function recordDataUpdate(datasourceId: string, line: string): void {
  results.delete(datasourceId);
  results.set(datasourceId, line);
  if (results.size > MAX_REMEMBERED) results.delete(results.keys().next().value as string);
}

export function lastDataUpdate(datasourceId: string): string | undefined {
  return results.get(datasourceId);
}
