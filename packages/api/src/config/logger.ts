import pino, { type Logger } from 'pino';

export type { Logger };

/** Pretty lines on a terminal, JSON everywhere else (log shippers want JSON). */
export function createLogger(level: string, pretty = Boolean(process.stdout.isTTY)): Logger {
  return pino({
    level,
    redact: {
      // Secrets that could reach a log object; portal error codes (`code`) are kept: they are diagnostics.
      paths: ['token', '*.token', 'authorization', '*.authorization', 'headers.authorization'],
      censor: '***',
    },
    ...(pretty
      ? {
          transport: {
            target: 'pino-pretty',
            options: { translateTime: 'HH:MM:ss', ignore: 'pid,hostname' },
          },
        }
      : {}),
  });
}
