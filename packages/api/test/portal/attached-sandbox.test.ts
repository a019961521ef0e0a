import { createSandboxPortal, type SandboxPortal } from '@b24-gdpr/sandbox';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Bitrix24Client } from '../../src/bitrix24/index.ts';
import { AttachedSandbox } from '../../src/modules/portal/attached-sandbox.ts';

let portal: SandboxPortal;
beforeAll(async () => {
  portal = await createSandboxPortal({ rateLimit: false });
});
afterAll(() => portal.close());

const clientFor = (webhookUrl: string) => new Bitrix24Client({ webhookUrl });

describe('a sandbox attached from another process', () => {
  it('acts as a user added after attaching, asking /_sandbox/info again only for such misses', async () => {
    const fetches = vi.spyOn(globalThis, 'fetch');
    const infoReads = () =>
      fetches.mock.calls.filter(([url]) => String(url).endsWith('/_sandbox/info')).length;
    try {
      const attached = await AttachedSandbox.attach(portal.url, clientFor);
      expect(infoReads()).toBe(1);
      expect(await attached.applicationToken()).toBe(portal.applicationToken);
      expect(attached.clientOf(5)).toBeDefined();
      await attached.credentialsFor(5);
      expect(infoReads()).toBe(1); // known users cost nothing

      const [late] = portal.seed.users(1, {}, 'Late');
      const lateId = Number(late!.ID);
      expect(attached.clientOf(lateId)).toBeUndefined();
      // Right after attaching, a miss waits for the pause instead of asking again, however often.
      for (let i = 0; i < 20; i++) await attached.credentialsFor(999_999);
      await attached.applicationToken({ fresh: true });
      expect(infoReads()).toBe(1);

      await new Promise((r) => setTimeout(r, 2_100));
      const client = await attached.credentialsFor(lateId);
      expect(infoReads()).toBe(2);
      expect(Number((await client!.call('user.current', {})).ID)).toBe(lateId);
    } finally {
      fetches.mockRestore();
    }
  });

  it('says clearly when the address is not a sandbox', async () => {
    await expect(AttachedSandbox.attach(`${portal.url}/nothing-here`, clientFor)).rejects.toThrow(
      /answered \/_sandbox\/info with 404/,
    );
  });
});
