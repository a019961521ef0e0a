import { DefaultLogger, type LogContext, type LoggerNamespace, type LoggerOptions } from '@mikro-orm/core';
import type { Logger } from 'pino';

/** Sends MikroORM's log lines to our pino logger, at a level that matches what they are. */
class PinoOrmLogger extends DefaultLogger {
  readonly #logger: Logger;

  constructor(options: LoggerOptions, logger: Logger) {
    super(options);
    this.#logger = logger;
  }

  override log(namespace: LoggerNamespace, message: string, context?: LogContext): void {
    if (!this.isEnabled(namespace, context)) return;
    const text = `[${namespace}] ${message.replace(/\s+/g, ' ').trim()}`;
    if (context?.level === 'error') this.#logger.error(text);
    else if (context?.level === 'warning') this.#logger.warn(text);
    else if (namespace === 'query' || namespace === 'discovery') this.#logger.debug(text);
    else this.#logger.info(text);
  }
}

/** MikroORM logging options for a pino logger; with none, the ORM stays silent. */
export function ormLogging(logger: Logger | undefined) {
  if (!logger) return { logger: () => {}, colors: false, debug: false };
  return {
    colors: false,
    // Queries only at debug level; never `query-params`, which would put personal data in the logs.
    debug: logger.isLevelEnabled('debug') ? (['query'] as LoggerNamespace[]) : false,
    loggerFactory: (options: LoggerOptions) => new PinoOrmLogger(options, logger),
  };
}
