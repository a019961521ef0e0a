/** Every queue and its payload: the one place job names are spelled. */
export const JOBS = {
  /** Run (or resume) one data-subject request. */
  runRequest: 'dsr.run',
  /** Re-dispatch requests whose runner vanished (lease expired) or whose dispatch was lost. */
  sweepRequests: 'dsr.sweep',
  /** Delete export archives whose links expired. */
  expireExports: 'dsr.expire-exports',
  /** Anonymise dismissed employees after the configured number of days (when switched on). */
  dismissedPolicy: 'dsr.dismissed-policy',
  /** Read chat edits from the portal's im.v2 event log, and retry stored portal events not yet processed. */
  pollPortalEvents: 'portal-events.poll',
  /** Close impersonation sessions past their time-out (modules/impersonation). */
  closeTimedOutImpersonations: 'impersonation.close-timed-out',
  /** Write, sign, store and mail the past ISO week's audit log file (modules/reports). */
  weeklyReport: 'reports.weekly',
  /** Mail a stored weekly file again after a failed attempt (retried with backoff until sent or given up). */
  mailWeeklyReport: 'reports.mail',
  /** Queue again weekly-file mailings nobody is working on (retry job lost, attempt died with its process). */
  sweepReportMails: 'reports.mail-sweep',
  /** Delete what is kept of portals uninstalled longer than APP_UNINSTALL_RETENTION_DAYS (modules/app). */
  purgeUninstalledPortals: 'app.purge-uninstalled',
} as const;

export interface JobPayloads {
  [JOBS.runRequest]: { requestId: string };
  [JOBS.sweepRequests]: Record<string, never>;
  [JOBS.expireExports]: Record<string, never>;
  [JOBS.dismissedPolicy]: Record<string, never>;
  [JOBS.pollPortalEvents]: Record<string, never>;
  [JOBS.closeTimedOutImpersonations]: Record<string, never>;
  [JOBS.weeklyReport]: Record<string, never>;
  [JOBS.mailWeeklyReport]: { reportId: string };
  [JOBS.sweepReportMails]: Record<string, never>;
  [JOBS.purgeUninstalledPortals]: Record<string, never>;
}
