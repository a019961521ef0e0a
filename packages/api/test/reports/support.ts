import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string | null;
  to: string[];
  raw: Buffer;
}

export interface SmtpOptions {
  /** Listen on this port (0: any free one). */
  port?: number;
  /** Require AUTH (plain text on loopback); `accept` says whether the server takes the login now. */
  auth?: { user: string; pass: string; accept: () => boolean };
}

/** A real SMTP server on 127.0.0.1 (no TLS) that keeps every message it receives. */
export async function startSmtp(
  options: SmtpOptions = {},
): Promise<{ url: string; port: number; mails: ReceivedMail[]; close(): Promise<void> }> {
  const mails: ReceivedMail[] = [];
  const auth = options.auth;
  const server = new SMTPServer({
    logger: false,
    ...(auth
      ? {
          authMethods: ['PLAIN', 'LOGIN'],
          allowInsecureAuth: true,
          disabledCommands: ['STARTTLS'],
          onAuth(login, _session, callback) {
            if (auth.accept() && login.username === auth.user && login.password === auth.pass)
              return callback(null, { user: login.username });
            return callback(new Error('Authentication refused'));
          },
        }
      : { authOptional: true, disabledCommands: ['AUTH', 'STARTTLS'] }),
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  if (!address || typeof address === 'string') throw new Error('SMTP server has no port');
  const credentials = auth ? `${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.pass)}@` : '';
  return {
    url: `smtp://${credentials}127.0.0.1:${address.port}`,
    port: address.port,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
