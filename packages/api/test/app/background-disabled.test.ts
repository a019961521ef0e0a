import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APP_PATHS } from '../../src/modules/app/app-paths.ts';
import {
  BackgroundDisabledReports,
  DISABLED_CHECK_PERIOD_MS,
} from '../../src/modules/app/background-disabled.ts';
import { type AppApi, startAppApi } from './app-api.ts';

describe("the portal's report that it disabled our background worker", () => {
  let app: AppApi;
  let lines: string[];
  let reports: BackgroundDisabledReports;
  const handler = () => new URL(APP_PATHS.background, app.base).toString();
  const backgroundPlacements = () =>
    app.api.portal.apps
      .placements(app.registered().id)
      .filter((p) => p.placement === 'PAGE_BACKGROUND_WORKER')
      .map((p) => p.handler);

  beforeEach(async () => {
    app = await startAppApi();
    await app.install();
    await app.app.lastBind;
    lines = [];
    // The log as an operator reads it: every line written.
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    reports = new BackgroundDisabledReports(app.app, logger, handler);
  });
  afterEach(() => app.close());

  it('forged (the handler is still bound): logs nothing and changes nothing, however often', async () => {
    const before = backgroundPlacements();
    expect(before).toEqual([handler()]);
    for (let n = 0; n < 5; n++) {
      const posted = await fetch(`${app.base}${APP_PATHS.backgroundDisabled}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'error=ERROR_PLACEMENT_LOADING_OVERTIME',
      });
      expect(posted.status).toBe(200);
      await reports.receive();
    }
    expect(lines).toEqual([]);
    expect(backgroundPlacements()).toEqual(before);
  });

  it('real (the portal removed the registration): one error line per period', async () => {
    await app.app
      .clientOf(1)
      .request('placement.unbind', { PLACEMENT: 'PAGE_BACKGROUND_WORKER', HANDLER: handler() });
    expect(backgroundPlacements()).toEqual([]);
    expect(await reports.receive()).toBe('disabled');
    expect(await reports.receive()).toBe('ignored');
    expect(lines.filter((l) => l.includes('disabled our PAGE_BACKGROUND_WORKER'))).toHaveLength(1);
    app.clock.ms += DISABLED_CHECK_PERIOD_MS;
    expect(await reports.receive()).toBe('disabled');
    expect(lines).toHaveLength(2);
  });
});
