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

      // A user added after attaching is found, even right after the last read: the lookup waits out the pause.
      const [late] = portal.seed.users(1, {}, 'Late');
      const lateId = Number(late!.ID);
      expect(attached.clientOf(lateId)).toBeUndefined();
      const client = await attached.credentialsFor(lateId);
      expect(infoReads()).toBe(2);
      expect(Number((await client!.call('user.current', {})).ID)).toBe(lateId);

      // A flood of unknown ids and unmatched tokens shares one read after the pause.
      const started = Date.now();
      const flood = await Promise.all([
        ...Array.from({ length: 20 }, () => attached.credentialsFor(999_999)),
        attached.applicationToken({ fresh: true }),
      ]);
      expect(flood.slice(0, 20).every((c) => c === undefined)).toBe(true);
      expect(infoReads()).toBe(3);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
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
