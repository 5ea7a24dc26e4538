// What the shell shows before the extension is loaded, read straight from globalState with
// the same parsing the connection manager uses. Nobody is signed in yet: sessions live only
// in the loaded extension.
import { activeProfile, patWarningDue, storedProfiles } from '../connections/profileLogic';
import { ACTIVE_KEY, PAT_WARNED_KEY } from '../connections/storageKeys';
import type { ConnectionStatus } from '../statusBar';

interface State {
  get<T>(key: string): T | undefined;
  get<T>(key: string, defaultValue: T): T;
}

export function storedConnectionStatus(state: State): ConnectionStatus {
  const profiles = storedProfiles(state);
  return { active: activeProfile(profiles, state.get<string>(ACTIVE_KEY)), signedIn: false, connectionCount: profiles.length };
}

/** True when some PAT expires within the warning window and was not warned about today. */
export function patWarningIsDue(state: State, now: Date): boolean {
  const warned = state.get<Record<string, string>>(PAT_WARNED_KEY, {});
  return storedProfiles(state).some((p) => patWarningDue(p, now, warned[p.id]) !== undefined);
}
