// @vitest-environment node
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createApiClient } from '../../src/api/client.ts';
import { callApi } from '../../src/api/operations.ts';
import { createBackgroundApi } from '../../src/background/api.ts';
import { downloadExport } from '../../src/background/downloads.ts';
import { relayProgress, serveProgress } from '../../src/background/progress.ts';
import { PROGRESS_PORT, type ProgressRequest, type ProgressUpdate } from '../../src/messaging/progress.ts';
import { apiUrlItem, tokenItem } from '../../src/storage/items.ts';
import { type ApiStack, startApiStack } from '../api/api-stack.ts';

let stack: ApiStack;
beforeAll(async () => {
  stack = await startApiStack();
}, 120_000);
afterAll(() => stack?.close());
beforeEach(async () => {
  fakeBrowser.reset();
  await apiUrlItem.setValue(stack.apiUrl);
  await tokenItem.setValue(await stack.api.tokenFor(21));
});

const api = createBackgroundApi();

async function startExport(userId: number): Promise<string> {
  const answer = await stack.api.gql<{ requestDataExport: { id: string } }>(
    `mutation ($userId: Int!) { requestDataExport(userId: $userId) { ... on DataSubjectRequest { id } } }`,
    { userId },
    { token: (await tokenItem.getValue()) as string },
  );
  return answer.data?.requestDataExport.id as string;
}

describe('export progress and download', { timeout: 120_000 }, () => {
  it('relays the progress subscription until the export is complete, then downloads it with the bearer header', async () => {
    const id = await startExport(21);
    const updates: ProgressUpdate[] = [];
    await relayProgress(api, id, (u) => updates.push(u), new AbortController().signal);
    expect(updates.at(-1)).toEqual({ type: 'done' });
    const states = updates.flatMap((u) => (u.type === 'update' ? [u.request] : []));
    expect(states[0]?.id).toBe(id);
    expect(states.at(-1)).toMatchObject({
      status: 'COMPLETED',
      download: { url: expect.stringContaining(id) },
    });

    const download = vi.fn(
      async (_options: { url: string; headers?: { name: string; value: string }[] }) => 7,
    );
    fakeBrowser.downloads.download = download as unknown as typeof fakeBrowser.downloads.download;
    expect(await downloadExport(api, { requestId: id })).toEqual({ ok: true, value: { downloadId: 7 } });
    const options = download.mock.calls[0]?.[0];
    expect(options?.url).not.toContain((await tokenItem.getValue()) as string);
    // What the browser does with those options: the archive comes back.
    const archive = await fetch(options?.url as string, {
      headers: Object.fromEntries((options?.headers ?? []).map((h) => [h.name, h.value])),
    });
    expect(archive.status).toBe(200);
    expect(archive.headers.get('content-type')).toBe('application/zip');
  });

  it("reports a refused or unknown request on the port instead of hanging, and someone else's export is not downloaded", async () => {
    const id = await startExport(21);
    await tokenItem.setValue(await stack.api.tokenFor(23));
    const updates: ProgressUpdate[] = [];
    await relayProgress(api, id, (u) => updates.push(u), new AbortController().signal);
    // One error, then the port closes (the API currently masks this refusal as "Unexpected error.").
    expect(updates).toEqual([
      { type: 'error', error: expect.objectContaining({ kind: expect.any(String) }) },
    ]);
    expect(await downloadExport(api, { requestId: id })).toMatchObject({
      ok: false,
      error: { kind: expect.stringMatching(/^(refused|notFound)$/) },
    });
  });

  it('stops streaming when the port closes', async () => {
    // An erasure awaiting confirmation does not move, so only the port closing ends its stream.
    const admin = await stack.api.tokenFor(1);
    await stack.api.gql(
      'mutation { updateSettings(input: { erasureEnabled: true }) { __typename } }',
      {},
      { token: admin },
    );
    const preview = await stack.api.gql<{ previewErasure: { request: { id: string } } }>(
      'mutation { previewErasure(userId: 27) { ... on ErasurePreview { request { id } } } }',
      {},
      { token: admin },
    );
    await tokenItem.setValue(admin);
    const abort = new AbortController();
    const updates: ProgressUpdate[] = [];
    // In process (no socket): Node's fetch throws ERR_INVALID_STATE from its own internals when a body
    // it is still receiving is cancelled, which a browser does not; the cancel itself is the same.
    const inProcess = createApiClient({
      apiUrl: async () => 'http://api.test',
      token: () => tokenItem.getValue(),
      fetch: (input, init) => stack.api.fetch(new URL(String(input)).pathname, init),
    });
    const relay = relayProgress(
      inProcess,
      preview.data?.previewErasure.request.id as string,
      (u) => {
        updates.push(u);
        abort.abort();
      },
      abort.signal,
    );
    await relay;
    expect(updates).toEqual([
      { type: 'update', request: expect.objectContaining({ status: 'AWAITING_CONFIRMATION' }) },
    ]);
  });

  it('serves the progress port: {requestId} in, updates out, then the background disconnects', async () => {
    const id = await startExport(21);
    const posted: ProgressUpdate[] = [];
    const listeners: { message?: (m: unknown) => void } = {};
    const disconnected = new Promise<void>((resolve) => {
      const port = {
        name: PROGRESS_PORT,
        onMessage: { addListener: (l: (m: unknown) => void) => (listeners.message = l) },
        onDisconnect: { addListener: () => undefined },
        postMessage: (m: ProgressUpdate) => posted.push(m),
        disconnect: () => resolve(),
      };
      serveProgress(api, port as unknown as Parameters<typeof serveProgress>[1]);
    });
    listeners.message?.({ requestId: id } satisfies ProgressRequest);
    // A second request on the same port is ignored.
    listeners.message?.({ requestId: 'other' });
    await disconnected;
    expect(posted.at(-1)).toEqual({ type: 'done' });
    expect(posted.at(-2)).toMatchObject({ type: 'update', request: { id, status: 'COMPLETED' } });
  });

  it('runs named operations through the graphql message only when they are in the map', async () => {
    const { startBackground } = await import('../../src/background/main.ts');
    fakeBrowser.alarms.create = (async () => undefined) as unknown as typeof fakeBrowser.alarms.create;
    fakeBrowser.permissions.contains = (async () =>
      true) as unknown as typeof fakeBrowser.permissions.contains;
    fakeBrowser.scripting.getRegisteredContentScripts = (async () => []) as never;
    fakeBrowser.runtime.onConnect.addListener = () => undefined;
    startBackground();
    expect(await callApi('Me', {})).toMatchObject({ ok: true, value: { me: { userId: 21 } } });
    expect(await callApi('SignOut' as 'Me', {})).toMatchObject({
      ok: false,
      error: { kind: 'invalid', field: 'operation' },
    });
  });
});
