import { AuditEvents } from '../audit/AuditEvents.tsx';
import { ChainStatus } from '../audit/ChainStatus.tsx';
import { SessionDetail } from '../audit/SessionDetail.tsx';
import { SessionList } from '../audit/SessionList.tsx';
import { WeeklyReports } from '../audit/WeeklyReports.tsx';

/** For auditors: chain status, impersonation sessions, the event log and weekly reports; or one session. */
export function AuditTab({ sessionId }: { sessionId: string | null }) {
  if (sessionId) return <SessionDetail id={sessionId} />;
  return (
    <>
      <ChainStatus />
      <SessionList />
      <AuditEvents />
      <WeeklyReports />
    </>
  );
}
