import type { EntityManager } from '@mikro-orm/core';
import { SystemSetting } from '../../db/system-setting.entity.ts';
import { InvalidInputError } from '../../errors.ts';
import {
  type AppSettings,
  type AppSettingsPatch,
  applyPatch,
  appSettingsPatchSchema,
  appSettingsSchema,
} from './app-settings.ts';

const KEY = 'app.settings';

export interface StoredSettings {
  settings: AppSettings;
  /** Increments on every change; requests record the version they were accepted under. */
  version: number;
  updatedAt: Date | null;
  updatedBy: number | null;
}

export class SettingsService {
  async get(em: EntityManager): Promise<StoredSettings> {
    const row = await em.findOne(SystemSetting, { key: KEY });
    const stored = (row?.value ?? {}) as { settings?: unknown; version?: number; updatedBy?: number | null };
    // Unknown or missing keys fall back to defaults, so adding a setting needs no data migration.
    return {
      settings: appSettingsSchema.parse(stored.settings ?? {}),
      version: stored.version ?? 0,
      updatedAt: row?.updatedAt ?? null,
      updatedBy: stored.updatedBy ?? null,
    };
  }

  /** Validates the whole patch first: a bad value changes nothing. */
  async update(em: EntityManager, patch: unknown, by: number | null): Promise<StoredSettings> {
    const parsed = appSettingsPatchSchema.safeParse(patch);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new InvalidInputError(issue.path.join('.') || 'settings', issue.message);
    }
    const current = await this.get(em);
    const next = applyPatch(current.settings, parsed.data as AppSettingsPatch);
    const value = { settings: next, version: current.version + 1, updatedBy: by };
    const row = await em.findOne(SystemSetting, { key: KEY });
    if (row) row.value = value;
    else em.create(SystemSetting, { key: KEY, value });
    await em.flush();
    return { settings: next, version: value.version, updatedAt: new Date(), updatedBy: by };
  }
}
