import { SystemSetting } from './system-setting.entity.ts';

/**
 * Every entity MikroORM knows. Append new entities here, then generate a migration
 * (`pnpm --filter @b24-gdpr/api migration:create <name>`).
 */
export const entities = [SystemSetting];
