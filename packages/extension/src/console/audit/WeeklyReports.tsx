import type { WeeklyReportMailStatus } from '@b24-gdpr/shared/graphql';
import { useState } from 'preact/hooks';
import { i18n } from '#i18n';
import { sendMessage } from '../../messaging/protocol.ts';
import { ErrorText } from '../components/ErrorText.tsx';
import { ListStatus } from '../components/ListStatus.tsx';
import { Pager } from '../components/Pager.tsx';
import { formatBytes, formatDateTime } from '../format.ts';
import { FIRST_PAGE } from '../pagination.ts';
import { useOperation } from '../use-operation.ts';

const PAGE_SIZE = 20;

/** The report's mail state in words (the last error, when there is one, as the cell's title). */
function mailLabel(status: WeeklyReportMailStatus): string {
  switch (status) {
    case 'PENDING':
      return i18n.t('console.audit.mailStatus.PENDING');
    case 'SENDING':
      return i18n.t('console.audit.mailStatus.SENDING');
    case 'SENT':
      return i18n.t('console.audit.mailStatus.SENT');
    case 'FAILED':
      return i18n.t('console.audit.mailStatus.FAILED');
    case 'SKIPPED':
      return i18n.t('console.audit.mailStatus.SKIPPED');
  }
}

/** The signed weekly log files; the background downloads one with the token (never in a URL). */
export function WeeklyReports() {
  const [page, setPage] = useState(FIRST_PAGE);
  const [reports] = useOperation('WeeklyReports', { first: PAGE_SIZE, after: page.after });
  const [status, setStatus] = useState<Map<string, { ok: boolean; text: string }>>(new Map());
  const connection = reports.state === 'ready' ? reports.value.weeklyReports : null;
  const rows =
    connection?.__typename === 'QueryWeeklyReportsConnection' ? connection.edges.map((e) => e.node) : [];

  async function download(reportId: string) {
    const outcome = await sendMessage('downloadReport', { reportId }).catch((error: unknown) => ({
      ok: false as const,
      error: { kind: 'unknown' as const, message: String(error) },
    }));
    setStatus((map) =>
      new Map(map).set(
        reportId,
        outcome.ok
          ? { ok: true, text: i18n.t('console.audit.downloadStarted') }
          : { ok: false, text: outcome.error.message },
      ),
    );
  }

  return (
    <section class="card">
      <h2>{i18n.t('console.audit.reports')}</h2>
      <ListStatus result={reports} empty={rows.length === 0} emptyText={i18n.t('console.audit.noReports')} />
      {rows.length > 0 ? (
        <table class="list" data-testid="reports-table">
          <thead>
            <tr>
              <th>{i18n.t('console.audit.week')}</th>
              <th>{i18n.t('console.audit.period')}</th>
              <th>{i18n.t('console.audit.eventCount')}</th>
              <th>{i18n.t('console.audit.size')}</th>
              <th>SHA-256</th>
              <th>{i18n.t('console.audit.mail')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const s = status.get(r.id);
              return (
                <tr key={r.id} data-testid={`report-row-${r.id}`}>
                  <td>{r.week}</td>
                  <td>{`${formatDateTime(r.periodStart)} – ${formatDateTime(r.periodEnd)} (${r.timeZone})`}</td>
                  <td>{String(r.eventCount)}</td>
                  <td>{formatBytes(r.bytes)}</td>
                  <td>
                    <code title={r.sha256}>{r.sha256.slice(0, 12)}</code>
                  </td>
                  <td data-testid={`report-mail-${r.id}`} title={r.mailError ?? undefined}>
                    {mailLabel(r.mailStatus)}
                    {r.mailAttempts > 0 ? (
                      <small>{` · ${i18n.t('console.audit.mailAttempts', [String(r.mailAttempts)])}`}</small>
                    ) : null}
                  </td>
                  <td class="row-actions">
                    <button
                      type="button"
                      data-testid={`report-download-${r.id}`}
                      onClick={() => void download(r.id)}
                    >
                      {i18n.t('console.audit.download')}
                    </button>
                    {s ? (
                      s.ok ? (
                        <small class="ok">{s.text}</small>
                      ) : (
                        <ErrorText error={s.text} testId={`report-error-${r.id}`} />
                      )
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      <Pager
        state={page}
        pageInfo={connection?.__typename === 'QueryWeeklyReportsConnection' ? connection.pageInfo : null}
        testId="reports-pager"
        onChange={setPage}
      />
    </section>
  );
}
