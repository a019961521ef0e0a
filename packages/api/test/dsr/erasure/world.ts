import { createHmac } from 'node:crypto';
import { createSandboxPortal, type SandboxOptions, type SandboxPortal, type User } from '@b24-gdpr/sandbox';
import {
  Bitrix24Client,
  type Bitrix24ClientOptions,
  LeakyBucketLimiter,
} from '../../../src/bitrix24/index.ts';
import { DataSubjectRequest } from '../../../src/modules/dsr/data-subject-request.entity.ts';
import {
  type ErasureCheckpoint,
  type ErasurePlan,
  previewErasure,
  readErasureCheckpoint,
  writeErasureLedger,
} from '../../../src/modules/dsr/erasure/index.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

/** Retries and waits that do not make the tests wait (the portal answers in milliseconds). */
export const FAST_RETRY = { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 6, maxElapsedMs: 20_000 };
export const FAST_DELETE = { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 10, settleMs: 20 };

/** Stands in for AppSecret.pseudonymFor: a keyed hash of the id. */
export function pseudonymFor(userId: number): string {
  const mac = createHmac('sha256', 'test-secret').update(`pseudonym\u0000${userId}`).digest('hex');
  return `Anonymous ${mac.slice(0, 4).toUpperCase()}`;
}

export interface World {
  portal: SandboxPortal;
  db: TestDatabase;
  /** A client of `userId`'s webhook with its own limiter (tests do not share a bucket). */
  clientOf(userId: number, options?: Partial<Bitrix24ClientOptions>): Bitrix24Client;
  admin: Bitrix24Client;
  close(): Promise<void>;
}

export async function createWorld(sandbox: SandboxOptions = {}): Promise<World> {
  const portal = await createSandboxPortal({ dataset: 'empty', rateLimit: false, ...sandbox });
  const db = await createTestDatabase();
  const clientOf = (userId: number, options: Partial<Bitrix24ClientOptions> = {}) =>
    new Bitrix24Client({
      webhookUrl: portal.webhookUrl(userId),
      allowInsecureHttp: true,
      limiter: new LeakyBucketLimiter({ burst: 1000, drainPerSecond: 1000 }),
      retry: FAST_RETRY,
      ...options,
    });
  return {
    portal,
    db,
    clientOf,
    admin: clientOf(1),
    close: async () => {
      await db.close();
      await portal.close();
    },
  };
}

/** Every personal field of an employee filled in, as the demo portal has them. */
export function fullProfile(name: string, surname: string): Partial<User> {
  return {
    NAME: name,
    LAST_NAME: surname,
    SECOND_NAME: 'Maria',
    EMAIL: `${name.toLowerCase()}@example.test`,
    XML_ID: '55501234',
    PERSONAL_GENDER: 'F',
    PERSONAL_PROFESSION: 'Accountant',
    PERSONAL_WWW: `https://${name.toLowerCase()}.example`,
    PERSONAL_BIRTHDAY: '1984-03-07',
    PERSONAL_PHOTO: `/upload/main/abc/avatar_${name}.jpg`,
    PERSONAL_ICQ: '123456',
    PERSONAL_PHONE: '+49 30 1234567',
    PERSONAL_FAX: '+49 30 1234568',
    PERSONAL_MOBILE: '+49 170 1234567',
    PERSONAL_PAGER: '99',
    PERSONAL_STREET: 'Hauptstraße 1',
    PERSONAL_CITY: 'Berlin',
    PERSONAL_STATE: 'Berlin',
    PERSONAL_ZIP: '10115',
    PERSONAL_COUNTRY: 'Germany',
    PERSONAL_MAILBOX: 'PO 12',
    PERSONAL_NOTES: 'Allergic to nuts',
    WORK_PHONE: '+49 30 7654321',
    WORK_COMPANY: 'Sandbox Ltd',
    WORK_POSITION: 'Senior accountant',
    WORK_DEPARTMENT: 'Finance',
    WORK_WWW: 'https://sandbox.example',
    WORK_FAX: '+49 30 7654322',
    WORK_PAGER: '98',
    WORK_STREET: 'Firmenweg 2',
    WORK_MAILBOX: 'PO 99',
    WORK_CITY: 'Berlin',
    WORK_STATE: 'Berlin',
    WORK_ZIP: '10117',
    WORK_COUNTRY: 'Germany',
    WORK_PROFILE: 'Ledgers',
    WORK_LOGO: '/upload/main/logo.png',
    WORK_NOTES: 'Desk 4.12',
    UF_SKYPE_LINK: 'skype:erika',
    UF_ZOOM: 'zoom.example/erika',
    UF_EMPLOYMENT_DATE: '2019-04-01',
    UF_INTERESTS: 'chess',
    UF_SKILLS: 'Excel',
    UF_WEB_SITES: 'https://blog.example',
    UF_XING: 'xing/erika',
    UF_LINKEDIN: 'linkedin/erika',
    UF_FACEBOOK: 'fb/erika',
    UF_TWITTER: '@erika',
    UF_SKYPE: 'erika.m',
    UF_DISTRICT: 'Mitte',
    UF_PHONE_INNER: '412',
    UF_DEPARTMENT: [1],
  };
}

/** A DataSubjectRequest row for the ledger to hang from, as the lead's lifecycle would leave it. */
export async function createRequest(world: World, subjectUserId: number): Promise<string> {
  const em = world.db.orm.em.fork();
  const request = em.create(DataSubjectRequest, {
    type: 'ERASE',
    status: 'RUNNING',
    source: 'ADMIN',
    subjectUserId,
    requesterUserId: 1,
    dueAt: new Date(Date.now() + 30 * 86_400_000),
    progress: { step: 'queued', done: 0, total: null },
    checkpoint: {},
    acceptedUnder: {},
  });
  await em.flush();
  return request.id;
}

/** Preview, then write the ledger as confirmation does; returns the request id and the plan. */
export async function confirmErasure(
  world: World,
  subjectUserId: number,
  withSubjectCredentials = true,
): Promise<{ requestId: string; plan: ErasurePlan }> {
  const plan = await previewErasure({
    portal: world.admin,
    asSubject: withSubjectCredentials ? world.clientOf(subjectUserId) : undefined,
    subjectUserId,
  });
  const requestId = await createRequest(world, subjectUserId);
  const em = world.db.orm.em.fork();
  await em.transactional((tx) => writeErasureLedger(tx, requestId, plan));
  await em.nativeUpdate(
    DataSubjectRequest,
    { id: requestId },
    { preview: plan as unknown as Record<string, unknown> },
  );
  return { requestId, plan };
}

/** The request's checkpoint as the runner keeps it: merged patches, saved to the row. */
export async function checkpointOf(world: World, requestId: string) {
  const em = world.db.orm.em.fork();
  const request = await em.findOneOrFail(DataSubjectRequest, requestId);
  const checkpoint: ErasureCheckpoint = readErasureCheckpoint(request.checkpoint);
  return {
    checkpoint,
    saveCheckpoint: async (patch: Partial<ErasureCheckpoint>) => {
      const fresh = await world.db.orm.em.fork().findOneOrFail(DataSubjectRequest, requestId);
      await world.db.orm.em
        .fork()
        .nativeUpdate(
          DataSubjectRequest,
          { id: requestId },
          { checkpoint: { ...fresh.checkpoint, ...patch } },
        );
    },
  };
}
