import { useEffect, useState } from 'preact/hooks';
import { i18n } from '#i18n';
import { callApi } from '../../api/operations.ts';
import type { Outcome } from '../../messaging/protocol.ts';
import { ActionButton } from './ActionButton.tsx';
import { EraseDialog } from './EraseDialog.tsx';
import { RequestHistory } from './RequestHistory.tsx';
import { RequestStatus } from './RequestStatus.tsx';
import { type RightName, RightsSwitches } from './RightsSwitches.tsx';
import type { DataSubjectAction, ErasurePreview, SubjectRequest, UserRights } from './types.ts';

export interface ProfilePanelProps {
  userId: number;
  /** `own`: the signed-in employee's profile; `admin`: an administrator on someone else's. */
  viewer: 'own' | 'admin';
  /** The profile is a dismissed employee's: the request history is shown too. */
  dismissed: boolean;
}

/**
 * The "Personal data" panel on a profile. Every button's state comes from the API's decisions
 * (`userRights(userId).actions`), never from a guess here, so the panel shows the rule that refuses.
 */
export function ProfilePanel(props: ProfilePanelProps) {
  const { userId } = props;
  const [rights, setRights] = useState<UserRights | null>(null);
  const [requests, setRequests] = useState<SubjectRequest[]>([]);
  const [current, setCurrent] = useState<SubjectRequest | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [erase, setErase] = useState<{ preview: ErasurePreview | null } | null>(null);

  const load = async () => {
    const [rightsOutcome, requestsOutcome] = await Promise.all([
      callApi('UserRights', { userId }),
      callApi('DataSubjectRequests', { filter: { subjectUserId: userId }, first: 20 }),
    ]);
    if (!rightsOutcome.ok) return setError(rightsOutcome.error.message);
    const value = rightsOutcome.value.userRights;
    if (value.__typename === 'UserRights') setRights(value);
    if (requestsOutcome.ok) {
      const list = requestsOutcome.value.dataSubjectRequests.edges.map((e) => e.node);
      setRequests(list);
      // The newest request still running, or a finished export that can be downloaded.
      setCurrent(
        (c) =>
          c ??
          list.find((r) => r.status === 'PENDING' || r.status === 'RUNNING') ??
          list.find((r) => r.type === 'EXPORT' && r.status === 'COMPLETED' && r.download) ??
          null,
      );
    }
  };
  useEffect(() => {
    setRights(null);
    setCurrent(null);
    setError(null);
    void load();
  }, [userId]);

  /** Runs a call; a failure shows its message, a new request becomes the one followed. */
  const run = async <T,>(call: () => Promise<Outcome<T>>, then?: (value: T) => void) => {
    setBusy(true);
    setError(null);
    try {
      const outcome = await call();
      if (!outcome.ok) setError(outcome.error.message);
      else then?.(outcome.value);
    } finally {
      setBusy(false);
    }
  };
  const started = (request: SubjectRequest) => {
    setCurrent(request);
    setRequests((list) => [request, ...list.filter((r) => r.id !== request.id)]);
  };

  const decision = (action: DataSubjectAction) => rights?.actions.find((a) => a.action === action);
  const exportData = () =>
    run(
      () => callApi('RequestDataExport', { userId }),
      (v) => started(v.requestDataExport),
    );
  const anonymise = () =>
    run(
      () => callApi('RequestAnonymisation', { userId }),
      (v) => started(v.requestAnonymisation),
    );
  const openErase = () => {
    setErase({ preview: null });
    void run(
      () => callApi('PreviewErasure', { userId }),
      (v) => {
        const preview = v.previewErasure;
        if (preview.token === null) {
          // Already confirmed: nothing to confirm again, follow the request instead.
          setErase(null);
          started(preview.request);
        } else setErase({ preview });
      },
    ).then(() => setErase((e) => (e?.preview === null ? null : e)));
  };
  const confirmErase = (preview: ErasurePreview) =>
    run(
      () => callApi('EraseUser', { userId, previewToken: preview.token ?? '' }),
      (v) => {
        setErase(null);
        started(v.eraseUser);
      },
    );
  const setRight = (right: RightName, value: boolean) =>
    run(
      () => callApi('SetUserRights', { userIds: [userId], [right]: value }),
      (v) => {
        const updated = v.setUserRights.data[0];
        if (updated) setRights(updated);
      },
    );
  const finished = async (request: SubjectRequest) => {
    const outcome = await callApi('DataSubjectRequest', { id: request.id });
    if (outcome.ok && outcome.value.dataSubjectRequest.__typename === 'DataSubjectRequest') {
      const { result: _result, ...fresh } = outcome.value.dataSubjectRequest;
      setCurrent(fresh);
      setRequests((list) => list.map((r) => (r.id === fresh.id ? fresh : r)));
    }
    const rightsOutcome = await callApi('UserRights', { userId });
    if (rightsOutcome.ok && rightsOutcome.value.userRights.__typename === 'UserRights')
      setRights(rightsOutcome.value.userRights);
  };

  return (
    <section class="panel" data-testid="gdpr-panel" data-user-id={userId} data-viewer={props.viewer}>
      <h2>{i18n.t('page.panel.title')}</h2>
      {props.dismissed && <p class="muted">{i18n.t('page.panel.dismissed')}</p>}
      {rights === null && error === null && <p class="muted">{i18n.t('page.panel.loading')}</p>}
      {rights !== null && (
        <>
          {props.viewer === 'admin' && <RightsSwitches rights={rights} busy={busy} onChange={setRight} />}
          {props.viewer === 'own' && (
            <ActionButton
              testId="download"
              label={i18n.t('page.panel.download')}
              decision={decision('EXPORT')}
              busy={busy}
              onClick={exportData}
            />
          )}
          <ActionButton
            testId="anonymise"
            label={i18n.t('page.panel.anonymise')}
            decision={decision('ANONYMISE')}
            busy={busy}
            onClick={anonymise}
          />
          <ActionButton
            testId="delete"
            label={i18n.t('page.panel.delete')}
            decision={decision('ERASE')}
            busy={busy}
            danger
            onClick={openErase}
          />
        </>
      )}
      {error !== null && (
        <p class="reason error" role="alert" data-testid="gdpr-error">
          {i18n.t('page.panel.error', [error])}
        </p>
      )}
      {current !== null && <RequestStatus key={current.id} request={current} onFinished={finished} />}
      {props.dismissed && <RequestHistory requests={requests} />}
      {erase !== null && (
        <EraseDialog
          preview={erase.preview}
          busy={busy}
          onCancel={() => setErase(null)}
          onConfirm={() => erase.preview && confirmErase(erase.preview)}
        />
      )}
    </section>
  );
}

/** The panel for someone not signed in to the extension. */
export function SignedOutPanel() {
  return (
    <section class="panel" data-testid="gdpr-panel" data-viewer="signedOut">
      <h2>{i18n.t('page.panel.title')}</h2>
      <p class="muted">{i18n.t('page.panel.signedOut')}</p>
    </section>
  );
}
