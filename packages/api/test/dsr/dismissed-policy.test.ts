import { DEMO_DISMISSED_IDS } from '@b24-gdpr/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSubjectRequest } from '../../src/modules/dsr/data-subject-request.entity.ts';
import { Dismissal } from '../../src/modules/dsr/dismissal.entity.ts';
import { startTestApi, type TestApi } from '../support/api.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ jobs: false });
});
afterAll(() => api.close());

const em = () => api.services.orm.em.fork();
const run = () => api.services.dismissed.runPolicy(em());
const policyRequests = () =>
  em().find(DataSubjectRequest, { source: 'DISMISSAL_POLICY' }, { orderBy: { subjectUserId: 'asc' } });

describe('the dismissed-employee policy', () => {
  it('records who is dismissed but starts nothing while it is off', async () => {
    expect(await run()).toBe(0);
    const seen = (await em().find(Dismissal, {}, { orderBy: { userId: 'asc' } })).map((d) => d.userId);
    expect(seen).toEqual([...DEMO_DISMISSED_IDS]);
    expect(await policyRequests()).toEqual([]);
  });

  it('waits the configured number of days, then anonymises each dismissed employee once', async () => {
    await api.services.settings.update(
      em(),
      { anonymisationEnabled: true, dismissedAutoAnonymise: { enabled: true, afterDays: 30 } },
      1,
    );
    expect(await run()).toBe(0);
    // A month passes.
    await em().nativeUpdate(Dismissal, {}, { firstSeenInactiveAt: new Date(Date.now() - 31 * 86_400_000) });
    expect(await run()).toBe(DEMO_DISMISSED_IDS.length);
    const requests = await policyRequests();
    expect(requests.map((r) => [r.subjectUserId, r.type, r.status])).toEqual(
      DEMO_DISMISSED_IDS.map((id) => [id, 'ANONYMISE', 'PENDING']),
    );
    expect(await run()).toBe(0);
    expect(await policyRequests()).toHaveLength(DEMO_DISMISSED_IDS.length);
  });

  it('forgets a dismissal when the employee is rehired', async () => {
    const id = DEMO_DISMISSED_IDS[0];
    api.portal.state.users.get(id)!.ACTIVE = true;
    api.services.directory.forget(id);
    await run();
    expect(await em().count(Dismissal, { userId: id })).toBe(0);
  });

  it('does nothing while the anonymisation master switch is off, even with the policy on', async () => {
    await em().nativeDelete(DataSubjectRequest, {});
    await em().nativeUpdate(Dismissal, {}, { requestId: null });
    await api.services.settings.update(em(), { anonymisationEnabled: false }, 1);
    expect(await run()).toBe(0);
    expect(await policyRequests()).toEqual([]);
  });
});
