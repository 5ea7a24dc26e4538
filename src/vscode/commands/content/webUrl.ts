import type { Services } from '../../services/services';
import type { ItemRef } from './itemRef';

/** The item's page in Tableau's web UI. Views are addressed by content URL, the rest by LUID. */
export function webUrlOf(services: Services, ref: ItemRef): string {
  const id = ref.kind === 'view' ? (ref.contentUrl ?? ref.id) : ref.id;
  return services.connections.webUrlFor(ref.profile, ref.kind, id, ref.siteContentUrl);
}
