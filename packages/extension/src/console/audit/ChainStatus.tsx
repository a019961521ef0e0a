import { i18n } from '#i18n';
import { ErrorText } from '../components/ErrorText.tsx';
import { useOperation } from '../use-operation.ts';

/** Whether the audit log's hash chain is intact, naming the first broken event when it is not. */
export function ChainStatus() {
  const [result, reload] = useOperation('VerifyAuditLog', {});
  return (
    <section class="card">
      <h2>{i18n.t('console.audit.chain')}</h2>
      {result.state === 'loading' ? <p class="loading">{i18n.t('console.loading')}</p> : null}
      {result.state === 'error' ? <ErrorText error={result.error} testId="chain-status" /> : null}
      {result.state === 'ready' ? <Verdict verification={result.value.verifyAuditLog} /> : null}
      <button type="button" data-testid="chain-verify" onClick={reload}>
        {i18n.t('console.audit.verify')}
      </button>
    </section>
  );
}

function Verdict({
  verification: v,
}: {
  verification: {
    ok: boolean;
    checked: number;
    fromCheckpoint: boolean;
    /** No head from outside the database was read: the log was checked only against itself. */
    selfCheckedOnly: boolean;
    problem: { kind: string; seq: string; eventId: string | null; message: string } | null;
  };
}) {
  return (
    <div>
      <p class={v.ok ? 'chain ok' : 'chain broken'} data-testid="chain-status" data-ok={String(v.ok)}>
        {v.ok || !v.problem
          ? i18n.t('console.audit.chainOk', [String(v.checked)])
          : i18n.t('console.audit.chainBroken', [v.problem.eventId ?? '—', v.problem.seq, v.problem.message])}
      </p>
      {v.fromCheckpoint ? <p class="hint">{i18n.t('console.audit.chainCheckpoint')}</p> : null}
      {v.selfCheckedOnly ? (
        <p class="hint" data-testid="chain-self-only">
          {i18n.t('console.audit.chainSelfOnly')}
        </p>
      ) : null}
    </div>
  );
}
