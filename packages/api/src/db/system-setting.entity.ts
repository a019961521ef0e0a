import { defineEntity, p } from '@mikro-orm/core';
import { BaseEntity } from './base.entity.ts';

/** Instance-wide settings the application itself writes (not secrets: those stay in the environment). */
export const SystemSettingSchema = defineEntity({
  name: 'SystemSetting',
  tableName: 'system_setting',
  extends: BaseEntity,
  properties: {
    key: p.string().length(100).unique(),
    value: p.json<unknown>(),
  },
});

export class SystemSetting extends SystemSettingSchema.class {}

SystemSettingSchema.setClass(SystemSetting);
