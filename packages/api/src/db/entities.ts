import { ApiToken } from '../modules/identity/api-token.entity.ts';
import { AuditorGrant } from '../modules/identity/auditor-grant.entity.ts';
import { SignInCode } from '../modules/identity/sign-in-code.entity.ts';
import { SignInRequest } from '../modules/identity/sign-in-request.entity.ts';
import { SystemSetting } from './system-setting.entity.ts';

/**
 * Every entity MikroORM knows. Append new entities here, then generate a migration
 * (`pnpm --filter @b24-gdpr/api migration:create <name>`).
 */
export const entities = [SystemSetting, ApiToken, SignInCode, SignInRequest, AuditorGrant];
