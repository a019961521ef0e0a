import { DomainError } from '../../../errors.ts';

/** The portal has no user with this id: nothing was read beyond the lookup, nothing was changed. */
export class UnknownSubjectError extends DomainError {
  override name = 'UnknownSubjectError';
  readonly userIds: readonly number[];
  constructor(userIds: readonly number[]) {
    super(
      userIds.length === 1
        ? `The portal has no user ${userIds[0]}.`
        : `The portal has no users ${userIds.join(', ')}.`,
    );
    this.userIds = userIds;
  }
}

/** The portal refused a profile write (`user.update` is for administrators only). */
export class ProfileUpdateRefusedError extends DomainError {
  override name = 'ProfileUpdateRefusedError';
  readonly userId: number;
  readonly portalCode: string;
  constructor(userId: number, portalCode: string, description: string) {
    super(
      `The portal refused to update user ${userId}: ${portalCode}${description ? ` (${description})` : ''}`,
    );
    this.userId = userId;
    this.portalCode = portalCode;
  }
}
