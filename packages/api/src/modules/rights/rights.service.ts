import type { EntityManager } from '@mikro-orm/core';
import { InvalidInputError } from '../../errors.ts';
import type { AppSettings } from '../settings/app-settings.ts';
import { UserRights } from './user-rights.entity.ts';

export interface EffectiveRights {
  userId: number;
  canAnonymise: boolean;
  canErase: boolean;
  /** True while no administrator has set this user's rights: the settings' defaults apply. */
  isDefault: boolean;
  updatedAt: Date | null;
  updatedBy: number | null;
}

export const MAX_USERS_PER_CHANGE = 500;

export class RightsService {
  async rightsOf(
    em: EntityManager,
    userIds: readonly number[],
    settings: AppSettings,
  ): Promise<Map<number, EffectiveRights>> {
    const rows = userIds.length ? await em.find(UserRights, { userId: { $in: [...userIds] } }) : [];
    const byUser = new Map(rows.map((r) => [r.userId, r]));
    return new Map<number, EffectiveRights>(
      userIds.map((userId): [number, EffectiveRights] => {
        const row = byUser.get(userId);
        return [
          userId,
          row
            ? {
                userId,
                canAnonymise: row.canAnonymise,
                canErase: row.canErase,
                isDefault: false,
                updatedAt: row.updatedAt,
                updatedBy: row.updatedBy ?? null,
              }
            : { userId, ...settings.defaultRights, isDefault: true, updatedAt: null, updatedBy: null },
        ];
      }),
    );
  }

  /** One user or many at once; fields left out keep each user's current value. All or nothing. */
  async setRights(
    em: EntityManager,
    userIds: readonly number[],
    change: { canAnonymise?: boolean | null; canErase?: boolean | null },
    settings: AppSettings,
    by: number | null,
  ): Promise<EffectiveRights[]> {
    const ids = [...new Set(userIds)];
    if (ids.length === 0) throw new InvalidInputError('userIds', 'Name at least one user.');
    if (ids.length > MAX_USERS_PER_CHANGE) {
      throw new InvalidInputError('userIds', `At most ${MAX_USERS_PER_CHANGE} users per change.`);
    }
    if (ids.some((id) => !Number.isInteger(id) || id < 1))
      throw new InvalidInputError('userIds', 'User ids are positive integers.');
    if (change.canAnonymise == null && change.canErase == null) {
      throw new InvalidInputError('canAnonymise', 'Give canAnonymise, canErase or both.');
    }
    const current = await this.rightsOf(em, ids, settings);
    const existing = new Map((await em.find(UserRights, { userId: { $in: ids } })).map((r) => [r.userId, r]));
    for (const id of ids) {
      const now = current.get(id)!;
      const next = {
        canAnonymise: change.canAnonymise ?? now.canAnonymise,
        canErase: change.canErase ?? now.canErase,
      };
      const row = existing.get(id);
      if (row) Object.assign(row, next, { updatedBy: by });
      else em.create(UserRights, { userId: id, ...next, updatedBy: by });
    }
    await em.flush();
    return [...(await this.rightsOf(em, ids, settings)).values()];
  }
}
