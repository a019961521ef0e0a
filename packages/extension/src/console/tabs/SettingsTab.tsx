import { MAIL_ATTEMPTS, MAIL_RETRY_SECONDS } from '@b24-gdpr/shared';
import type { SettingsFieldsFragment, WeeklyReportSettingsFieldsFragment } from '@b24-gdpr/shared/graphql';
import { useState } from 'preact/hooks';
import { i18n } from '#i18n';
import { ErrorText } from '../components/ErrorText.tsx';
import { Field } from '../components/Field.tsx';
import { Switch } from '../components/Switch.tsx';
import { WholeNumberField } from '../components/WholeNumberField.tsx';
import {
  errorAt,
  type FieldErrors,
  type SettingsForm,
  settingsForm,
  settingsPatch,
  type WeeklyForm,
  weeklyForm,
  weeklyPatch,
} from '../settings-form.ts';
import { runOperation, useOperation } from '../use-operation.ts';

const DAYS = [1, 2, 3, 4, 5, 6, 7] as const;
const dayName = (day: number) =>
  new Intl.DateTimeFormat(undefined, { weekday: 'long', timeZone: 'UTC' }).format(
    // 2024-01-01 was a Monday (ISO day 1).
    new Date(Date.UTC(2024, 0, day)),
  );

/** The mail retry policy of the weekly report, with the limits the API takes. */
const MAIL_FIELDS = [
  { name: 'mailAttempts', testId: 'weekly-mail-attempts', limits: MAIL_ATTEMPTS },
  { name: 'mailRetrySeconds', testId: 'weekly-mail-retry-seconds', limits: MAIL_RETRY_SECONDS },
] as const;

type Status =
  | { kind: 'idle' }
  | { kind: 'saving' }
  | { kind: 'saved'; concurrent: boolean }
  | { kind: 'failed'; message: string };

/** Application settings: the master switches, defaults, impersonation alerts, weekly report and dismissal policy. */
export function SettingsTab() {
  const [settings] = useOperation('Settings', {});
  const [weekly] = useOperation('WeeklyReportSettings', {});
  if (settings.state === 'error') return <ErrorText error={settings.error} />;
  if (weekly.state === 'error') return <ErrorText error={weekly.error} />;
  if (settings.state !== 'ready' || weekly.state !== 'ready')
    return <p class="loading">{i18n.t('console.loading')}</p>;
  return <SettingsEditor settings={settings.value.settings} weekly={weekly.value.weeklyReportSettings} />;
}

function SettingsEditor(props: {
  settings: SettingsFieldsFragment;
  weekly: WeeklyReportSettingsFieldsFragment;
}) {
  const [saved, setSaved] = useState(props.settings);
  const [savedWeekly, setSavedWeekly] = useState(props.weekly);
  const [form, setForm] = useState<SettingsForm>(() => settingsForm(props.settings));
  const [weekly, setWeekly] = useState<WeeklyForm>(() => weeklyForm(props.weekly));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [status, setStatus] = useState<Status>({ kind: 'idle' });

  // An edit after a save hides "Saved": it no longer describes the form.
  const edited = () => setStatus((s) => (s.kind === 'saved' ? { kind: 'idle' } : s));
  const set = <K extends keyof SettingsForm>(key: K, value: SettingsForm[K]) => {
    edited();
    setForm((f) => ({ ...f, [key]: value }));
  };
  const setW = <K extends keyof WeeklyForm>(key: K, value: WeeklyForm[K]) => {
    edited();
    setWeekly((w) => ({ ...w, [key]: value }));
  };
  const inputValue = (e: Event) => (e.currentTarget as HTMLInputElement).value;
  const onText = (key: 'alertRecipients' | 'autoAnonymiseAfterDays') => (e: Event) => set(key, inputValue(e));
  const onWeekly = (key: keyof WeeklyForm) => (e: Event) => setW(key, inputValue(e));
  const error = (field: string) => errorAt(errors, field);

  async function save(event: Event) {
    event.preventDefault();
    const s = settingsPatch(form, saved);
    const w = weeklyPatch(weekly, savedWeekly);
    const local = { ...s.errors, ...w.errors };
    // Checks made here name an i18n key; the API's own errors arrive as text.
    setErrors(Object.fromEntries(Object.entries(local).map(([f, key]) => [f, i18n.t(key as never)])));
    if (Object.keys(local).length > 0) return;
    setStatus({ kind: 'saving' });
    let concurrent = false;
    if (s.input) {
      const result = await runOperation('UpdateSettings', { input: s.input });
      if (!result.ok) return failed(result.error, '');
      const next = result.value.updateSettings;
      // The API applies patches without a version check; a jump of more than one means someone
      // else saved in between, and the form now shows the merged result.
      concurrent = next.version !== saved.version + 1;
      setSaved(next);
      setForm(settingsForm(next));
    }
    if (w.input) {
      const result = await runOperation('UpdateWeeklyReportSettings', { input: w.input });
      if (!result.ok) return failed(result.error, 'weekly.');
      setSavedWeekly(result.value.updateWeeklyReportSettings);
      setWeekly(weeklyForm(result.value.updateWeeklyReportSettings));
    }
    setStatus({ kind: 'saved', concurrent });
  }

  function failed(error: { message: string; field?: string }, prefix: string) {
    if (error.field) {
      // The weekly settings live under `weeklyReports` in the API's settings document.
      const field = error.field.replace(/^weeklyReports\./, '');
      setErrors({ [`${prefix}${field}`]: error.message });
      setStatus({ kind: 'idle' });
    } else setStatus({ kind: 'failed', message: error.message });
  }

  return (
    <form class="settings" onSubmit={save} noValidate>
      <section class="card">
        <h2>{i18n.t('console.settings.master')}</h2>
        <MasterSwitch
          checked={form.anonymisationEnabled}
          label={i18n.t('console.settings.anonymisationEnabled')}
          offText={i18n.t('console.settings.anonymisationOff')}
          testId="switch-anonymisation-enabled"
          onChange={(v) => set('anonymisationEnabled', v)}
        />
        <MasterSwitch
          checked={form.erasureEnabled}
          label={i18n.t('console.settings.erasureEnabled')}
          offText={i18n.t('console.settings.erasureOff')}
          testId="switch-erasure-enabled"
          onChange={(v) => set('erasureEnabled', v)}
        />
      </section>

      <section class="card">
        <h2>{i18n.t('console.settings.defaultRights')}</h2>
        <p class="hint">{i18n.t('console.settings.defaultRightsHint')}</p>
        <Switch
          checked={form.defaultCanAnonymise}
          label={i18n.t('console.rights.anonymise')}
          testId="settings-default-anonymise"
          onChange={(v) => set('defaultCanAnonymise', v)}
        />
        <Switch
          checked={form.defaultCanErase}
          label={i18n.t('console.rights.erase')}
          testId="settings-default-erase"
          onChange={(v) => set('defaultCanErase', v)}
        />
      </section>

      <section class="card">
        <h2>{i18n.t('console.settings.impersonation')}</h2>
        <Field
          label={i18n.t('console.settings.alertRecipients')}
          hint={i18n.t('console.settings.alertRecipientsHint')}
          name="impersonation.alertRecipients"
          error={error('impersonation.alertRecipients')}
        >
          <input
            type="text"
            value={form.alertRecipients}
            data-testid="settings-alert-recipients"
            onInput={onText('alertRecipients')}
          />
        </Field>
        <Switch
          checked={form.notifyImpersonatedUser}
          label={i18n.t('console.settings.notifyImpersonated')}
          testId="settings-notify-impersonated"
          onChange={(v) => set('notifyImpersonatedUser', v)}
        />
      </section>

      <section class="card">
        <h2>{i18n.t('console.settings.weekly')}</h2>
        <div class="row">
          <Field
            label={i18n.t('console.settings.day')}
            name="weekly.dayOfWeek"
            error={error('weekly.dayOfWeek') ?? error('dayOfWeek')}
          >
            <select value={weekly.dayOfWeek} data-testid="weekly-day" onChange={onWeekly('dayOfWeek')}>
              {DAYS.map((d) => (
                <option key={d} value={String(d)}>
                  {dayName(d)}
                </option>
              ))}
            </select>
          </Field>
          <Field
            label={i18n.t('console.settings.time')}
            name="weekly.time"
            error={error('weekly.time') ?? error('time')}
          >
            <input type="time" value={weekly.time} data-testid="weekly-time" onInput={onWeekly('time')} />
          </Field>
          <Field
            label={i18n.t('console.settings.timeZone')}
            name="weekly.timeZone"
            error={error('weekly.timeZone') ?? error('timeZone')}
          >
            <input
              type="text"
              value={weekly.timeZone}
              data-testid="weekly-timezone"
              onInput={onWeekly('timeZone')}
            />
          </Field>
        </div>
        <Field
          label={i18n.t('console.settings.reportRecipients')}
          hint={i18n.t('console.settings.reportRecipientsHint')}
          name="weekly.recipients"
          error={error('weekly.recipients')}
        >
          <textarea
            value={weekly.recipients}
            rows={2}
            data-testid="weekly-recipients"
            onInput={onWeekly('recipients')}
          />
        </Field>
        <div class="row">
          {MAIL_FIELDS.map(({ name, testId, limits }) => (
            <WholeNumberField
              key={name}
              label={i18n.t(`console.settings.${name}`)}
              hint={i18n.t(`console.settings.${name}Hint`)}
              name={`weekly.${name}`}
              testId={testId}
              limits={limits}
              value={weekly[name]}
              error={error(`weekly.${name}`) ?? error(name)}
              onInput={onWeekly(name)}
            />
          ))}
        </div>
      </section>

      <section class="card">
        <h2>{i18n.t('console.settings.dismissed')}</h2>
        <Switch
          checked={form.autoAnonymiseEnabled}
          label={i18n.t('console.settings.autoAnonymise')}
          testId="settings-auto-anonymise"
          onChange={(v) => set('autoAnonymiseEnabled', v)}
        />
        <Field
          label={i18n.t('console.settings.afterDays')}
          name="dismissedAutoAnonymise.afterDays"
          error={error('dismissedAutoAnonymise.afterDays')}
        >
          <input
            type="number"
            min={0}
            value={form.autoAnonymiseAfterDays}
            data-testid="settings-auto-anonymise-days"
            onInput={onText('autoAnonymiseAfterDays')}
          />
        </Field>
      </section>

      <div class="actions">
        <button type="submit" class="primary" disabled={status.kind === 'saving'} data-testid="settings-save">
          {i18n.t('console.settings.save')}
        </button>
        {status.kind === 'saved' ? (
          <span class="ok" role="status" data-testid="settings-saved">
            {status.concurrent ? i18n.t('console.settings.savedMerged') : i18n.t('console.settings.saved')}
          </span>
        ) : null}
        {status.kind === 'failed' ? <ErrorText error={status.message} testId="settings-error" /> : null}
      </div>
    </form>
  );
}

/** A master switch, marked while off: with it off, nobody can use that right. */
function MasterSwitch(props: {
  checked: boolean;
  label: string;
  offText: string;
  testId: string;
  onChange(v: boolean): void;
}) {
  return (
    <div class={props.checked ? 'master' : 'master off'} data-off={props.checked ? undefined : 'true'}>
      <Switch checked={props.checked} label={props.label} testId={props.testId} onChange={props.onChange} />
      {props.checked ? null : <p class="warning">{props.offText}</p>}
    </div>
  );
}
