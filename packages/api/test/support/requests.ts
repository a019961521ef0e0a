import { FINISHED_STATUSES } from '../../src/modules/dsr/data-subject-request.entity.ts';
import type { TestApi } from './api.ts';

const FINAL = new Set<string>(FINISHED_STATUSES);

/** Polls a request through the API until it is finished; bounded so a stuck request fails the test. */
export async function waitForRequest(
  api: TestApi,
  id: string,
  token: string,
  seconds = 120,
): Promise<Record<string, any>> {
  const query = `query ($id: ID!) { dataSubjectRequest(id: $id) { __typename ... on DataSubjectRequest {
    id type status error result progress { step done total } subjectUserId subjectPseudonym download { url expiresAt } } } }`;
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    const request = (await api.gql(query, { id }, { token })).data?.dataSubjectRequest;
    if (request && FINAL.has(request.status)) return request;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`request ${id} did not finish within ${seconds} s`);
}
