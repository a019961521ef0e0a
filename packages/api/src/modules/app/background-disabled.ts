import { Bitrix24Error } from '../../bitrix24/index.ts';
import type { Logger } from '../../config/logger.ts';
import type { AppRuntime } from './app-connection.ts';

/** At most one look at the portal (and one error line) per this period, whoever posts how often. */
export const DISABLED_CHECK_PERIOD_MS = 10 * 60_000;

export type DisabledReport = 'disabled' | 'still-bound' | 'ignored';

/**
 * The portal's report that it removed our PAGE_BACKGROUND_WORKER registration (too many slow answers),
 * posted to the `errorHandlerUrl` we bound "without authorization tokens" and in a form the docs do not
 * give (widgets/universal/background-worker.md): nothing in it can be checked, so anyone could post it.
 * So the post itself proves nothing and changes nothing: it only makes us ask the portal, with the
 * installer's token, whether our background handler is still bound (`placement.get`), at most once per
 * DISABLED_CHECK_PERIOD_MS; the error is logged only when the portal confirms it is gone. A forged post
 * costs at most one `placement.get` per period and logs nothing.
 */
export class BackgroundDisabledReports {
  readonly #app: AppRuntime;
  readonly #logger: Logger;
  readonly #handlerUrl: () => string;
  #lastCheck = Number.NEGATIVE_INFINITY;

  /** `handlerUrl`: our PAGE_BACKGROUND_WORKER handler as bound (APP_PATHS.background on the public URL). */
  constructor(app: AppRuntime, logger: Logger, handlerUrl: () => string) {
    this.#app = app;
    this.#logger = logger;
    this.#handlerUrl = handlerUrl;
  }

  async receive(): Promise<DisabledReport> {
    const now = this.#app.now();
    if (now - this.#lastCheck < DISABLED_CHECK_PERIOD_MS) return 'ignored';
    this.#lastCheck = now;
    const portal = await this.#app.portals.current();
    if (!portal?.installedBy) return 'ignored';
    let bound: { placement?: string; handler?: string }[];
    try {
      const answer = await this.#app.clientOf(portal.installedBy).request('placement.get');
      bound = (answer.result as typeof bound | undefined) ?? [];
    } catch (error) {
      if (!(error instanceof Bitrix24Error)) throw error;
      return 'ignored';
    }
    const url = this.#handlerUrl();
    if (bound.some((b) => b.placement === 'PAGE_BACKGROUND_WORKER' && b.handler === url))
      return 'still-bound';
    this.#logger.error(
      'the portal disabled our PAGE_BACKGROUND_WORKER handler; reinstall the application to bind it again',
    );
    return 'disabled';
  }
}
