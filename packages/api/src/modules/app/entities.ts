import { AppAdmin } from './app-admin.entity.ts';
import { AppPortal } from './app-portal.entity.ts';
import { AppUserToken } from './app-user-token.entity.ts';

export const appEntities = [AppPortal, AppUserToken, AppAdmin];
