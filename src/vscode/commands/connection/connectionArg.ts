import type { ConnectionProfile } from '../../connections/connectionManager';
import type { Services } from '../../services/services';
import { cancelled } from './connectionForm';

/**
 * The connection a command acts on: from a tree node (anything carrying `connectionId`
 * or `profile.id`), an id string, or else a quick pick. Throws 'cancelled' when none.
 */
export async function connectionFrom(
  s: Services,
  arg: unknown,
  opts?: { placeHolder?: string; requireWritable?: boolean },
): Promise<ConnectionProfile> {
  const id = connectionIdOf(arg);
  const found = id ? s.connections.get(id) : undefined;
  const profile = found ?? (await s.connections.pick({ prompt: 'connection.forCommand', ...opts }));
  if (!profile) throw cancelled();
  return profile;
}

export function connectionIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (!arg || typeof arg !== 'object') return undefined;
  const o = arg as { connectionId?: unknown; profile?: { id?: unknown }; scope?: { profile?: { id?: unknown } } };
  const id = o.connectionId ?? o.profile?.id ?? o.scope?.profile?.id;
  return typeof id === 'string' ? id : undefined;
}

/** The site a tree site node stands for ("Switch Site" on a site node goes straight there). */
export function siteNodeContentUrl(arg: unknown): string | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  const o = arg as { kind?: unknown; scope?: { siteContentUrl?: unknown } };
  return o.kind === 'site' && typeof o.scope?.siteContentUrl === 'string' ? o.scope.siteContentUrl : undefined;
}
