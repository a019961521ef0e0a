import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSubjectRequest } from '../../../src/modules/dsr/data-subject-request.entity.ts';
import {
  ErasureNotConfirmedError,
  NotAdministratorError,
  previewErasure,
  runErasure,
  SubjectAlreadyErasedError,
  UnknownSubjectError,
} from '../../../src/modules/dsr/erasure/index.ts';
import { seedScenario } from './scenario.ts';
import {
  checkpointOf,
  confirmErasure,
  createRequest,
  createWorld,
  FAST_DELETE,
  pseudonymFor,
  type World,
} from './world.ts';

let world: World;
let s: ReturnType<typeof seedScenario>;
beforeAll(async () => {
  world = await createWorld();
  s = seedScenario(world.portal);
});
afterAll(() => world.close());

async function run(requestId: string, subjectUserId: number) {
  return runErasure({
    em: world.db.orm.em.fork(),
    requestId,
    subjectUserId,
    clients: { admin: world.admin, asSubject: world.clientOf(subjectUserId) },
    pseudonymFor,
    policy: FAST_DELETE,
    ...(await checkpointOf(world, requestId)),
  });
}

const writes = () =>
  ['user.update', 'im.message.delete', 'log.blogpost.delete', 'log.blogcomment.delete'].map((m) =>
    world.portal.counters.calls(m),
  );

describe('bad input', () => {
  it('an unknown user id: a typed error, nothing read beyond the lookup', async () => {
    world.portal.counters.reset();
    for (const id of [9999, 0, -3, 1.5]) {
      await expect(previewErasure({ portal: world.admin, subjectUserId: id })).rejects.toBeInstanceOf(
        UnknownSubjectError,
      );
    }
    await expect(previewErasure({ portal: world.admin, subjectUserId: 9999 })).rejects.toThrow(
      'The portal has no user 9999.',
    );
    expect(world.portal.counters.httpRequests).toBe(2); // one lookup per valid-looking id
    const requestId = await createRequest(world, 9999);
    await expect(run(requestId, 9999)).rejects.toBeInstanceOf(UnknownSubjectError);
    expect(writes()).toEqual([0, 0, 0, 0]);
  });

  it('a request whose preview was never confirmed has no ledger and does not start', async () => {
    const requestId = await createRequest(world, s.colleague.ID);
    await expect(run(requestId, s.colleague.ID)).rejects.toBeInstanceOf(ErasureNotConfirmedError);
    expect(writes()).toEqual([0, 0, 0, 0]);
    expect((await checkpointOf(world, requestId)).checkpoint).toEqual({});
  });

  it('a client that is not an administrator is refused before reading anything else', async () => {
    await expect(
      previewErasure({ portal: world.clientOf(s.colleague.ID), subjectUserId: s.subject.ID }),
    ).rejects.toBeInstanceOf(NotAdministratorError);
  });

  it('a subject who is already erased: preview and a new erasure refuse, nothing changes', async () => {
    const { requestId } = await confirmErasure(world, s.subject.ID);
    await run(requestId, s.subject.ID);
    // The runner would mark it completed; only then may a new request for the subject be opened.
    await world.db.orm.em.fork().nativeUpdate(DataSubjectRequest, { id: requestId }, { status: 'COMPLETED' });
    const before = structuredClone(world.portal.state.user(s.subject.ID));
    world.portal.counters.reset();

    await expect(previewErasure({ portal: world.admin, subjectUserId: s.subject.ID })).rejects.toBeInstanceOf(
      SubjectAlreadyErasedError,
    );
    const second = await createRequest(world, s.subject.ID);
    await expect(run(second, s.subject.ID)).rejects.toThrow(
      `User ${s.subject.ID} is already erased: the profile is anonymised and the account deactivated.`,
    );
    expect(writes()).toEqual([0, 0, 0, 0]);
    expect(world.portal.state.user(s.subject.ID)).toEqual(before);
    // Resuming the finished request itself is fine: every step is recorded.
    await expect(run(requestId, s.subject.ID)).resolves.toMatchObject({ account: { deactivated: true } });
  });
});
