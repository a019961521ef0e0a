import { type ApiClient, createApiClient } from '../api/client.ts';
import { apiUrlItem, tokenItem } from '../storage/items.ts';

/** The background's client: the address and token come from storage, read only here. */
export function createBackgroundApi(fetch?: typeof globalThis.fetch): ApiClient {
  return createApiClient({
    apiUrl: () => apiUrlItem.getValue(),
    token: () => tokenItem.getValue(),
    fetch,
  });
}
