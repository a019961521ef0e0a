import { builder } from '../builder.ts';
import {
  type DomainError,
  InvalidInputError,
  InvalidSignInCodeError,
  NotFoundError,
  PolicyRefusedError,
  PortalUnavailableError,
  RateLimitedError,
  ReservedActionError,
} from '../errors.ts';

/** Every typed failure implements this, so a client can always read `message`. */
export const ErrorInterface = builder.interfaceRef<DomainError>('Error').implement({
  fields: (t) => ({ message: t.exposeString('message') }),
});

builder.objectType(InvalidInputError, {
  name: 'InvalidInputError',
  interfaces: [ErrorInterface],
  fields: (t) => ({ field: t.exposeString('field') }),
});

builder.objectType(NotFoundError, {
  name: 'NotFoundError',
  interfaces: [ErrorInterface],
  fields: (t) => ({ entity: t.exposeString('entity'), id: t.exposeString('id') }),
});

builder.objectType(RateLimitedError, {
  name: 'RateLimitedError',
  interfaces: [ErrorInterface],
  fields: (t) => ({ retryAfterSeconds: t.exposeInt('retryAfterSeconds') }),
});

builder.objectType(InvalidSignInCodeError, { name: 'InvalidSignInCodeError', interfaces: [ErrorInterface] });

builder.objectType(PolicyRefusedError, {
  name: 'PolicyRefusedError',
  interfaces: [ErrorInterface],
  fields: (t) => ({ rule: t.exposeString('rule') }),
});

builder.objectType(PortalUnavailableError, { name: 'PortalUnavailableError', interfaces: [ErrorInterface] });

builder.objectType(ReservedActionError, {
  name: 'ReservedActionError',
  interfaces: [ErrorInterface],
  fields: (t) => ({ field: t.exposeString('field'), action: t.exposeString('action') }),
});
