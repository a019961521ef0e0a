import { DomainError } from '../../../errors.ts';

export { UnknownSubjectError } from '../anonymise/errors.ts';

/** The subject's profile is anonymised and the account deactivated: there is nothing left to erase. */
export class SubjectAlreadyErasedError extends DomainError {
  override name = 'SubjectAlreadyErasedError';
  readonly userId: number;
  constructor(userId: number) {
    super(`User ${userId} is already erased: the profile is anonymised and the account deactivated.`);
    this.userId = userId;
  }
}

/** The portal client is not an administrator's: it could not read others' comments nor update profiles. */
export class NotAdministratorError extends DomainError {
  override name = 'NotAdministratorError';
  /** `reason`: application mode's (PortalConnection.adminUnavailable); webhook mode names the webhook. */
  constructor(reason?: string | null) {
    super(
      `The portal connection does not act as an administrator; ${reason ? `${reason}.` : 'erasure needs an administrator webhook.'}`,
    );
  }
}

/** `runErasure` was called for a request whose ledger is empty: the plan was never confirmed and written. */
export class ErasureNotConfirmedError extends DomainError {
  override name = 'ErasureNotConfirmedError';
  readonly requestId: string;
  constructor(requestId: string) {
    super(`Request ${requestId} has no erasure ledger: confirm a preview first.`);
    this.requestId = requestId;
  }
}
