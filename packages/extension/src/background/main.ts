import { onMessage } from '../messaging/protocol.ts';
import { apiUrlItem } from '../storage/items.ts';

/** Wires the message handlers; each area's handlers live in their own module. */
export function startBackground(): void {
  onMessage('getSession', async () => ({
    apiUrl: await apiUrlItem.getValue(),
    signedIn: false,
    user: null,
    roles: [],
  }));
}
