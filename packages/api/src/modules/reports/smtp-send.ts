import { createTransport } from 'nodemailer';
import type { WeeklyReport } from './weekly-report.entity.ts';

/** Sends the stored file to the recipients once; throws what the SMTP server (or the network) said. */
export async function sendReportMail(
  smtpUrl: string,
  from: string,
  recipients: string[],
  report: WeeklyReport,
  file: string,
): Promise<void> {
  const transport = createTransport({
    url: smtpUrl,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  });
  try {
    await transport.sendMail({
      from,
      to: recipients,
      subject: `Audit log ${report.week}: ${report.eventCount} events`,
      text: [
        `The signed audit log file for ${report.week} (${report.periodStart.toISOString()} to ${report.periodEnd.toISOString()}, ${report.timeZone}) is attached.`,
        `Events: ${report.eventCount}. Digest SHA-256: ${report.digestHash}.`,
        `Previous digest: ${report.previousDigestHash ?? 'none (first file)'}.`,
        'Check it with `b24-gdpr audit verify-digest <file>`; the public key is served at /audit/public-key.',
      ].join('\n'),
      attachments: [
        { filename: `audit-week-${report.week}.zip`, path: file, contentType: 'application/zip' },
      ],
    });
  } finally {
    transport.close();
  }
}

/**
 * The failure as one line to store and log: the server's or the network's message, never the SMTP URL's
 * password (nor the URL that holds it), whatever a server or library puts into its message.
 */
export function smtpErrorText(error: unknown, smtpUrl: string): string {
  let text = error instanceof Error ? error.message : String(error);
  const secrets = new Set<string>();
  try {
    const url = new URL(smtpUrl);
    if (url.password) secrets.add(url.password).add(decodeURIComponent(url.password)).add(url.href);
  } catch {
    // not a URL: config validation refuses those; nothing of it can be told apart in a message
  }
  for (const secret of [...secrets].sort((a, b) => b.length - a.length))
    text = text.split(secret).join('***');
  return `SMTP: ${text.replace(/\s+/g, ' ').trim().slice(0, 500)}`;
}
