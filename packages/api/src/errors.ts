/**
 * Expected failures. Each becomes a GraphQL object type in a result union (plugin-errors),
 * so clients switch on __typename instead of parsing messages.
 */
export class DomainError extends Error {
  override name = 'DomainError';
}

export class InvalidInputError extends DomainError {
  override name = 'InvalidInputError';
  readonly field: string;
  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

export class NotFoundError extends DomainError {
  override name = 'NotFoundError';
  readonly entity: string;
  readonly id: string;
  constructor(entity: string, id: string) {
    super(`${entity} ${id} was not found`);
    this.entity = entity;
    this.id = id;
  }
}

export class RateLimitedError extends DomainError {
  override name = 'RateLimitedError';
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number) {
    super(message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export class InvalidSignInCodeError extends DomainError {
  override name = 'InvalidSignInCodeError';
  constructor() {
    super('The code is wrong, expired or already used. Request a new code.');
  }
}

/** A policy rule refused the action; `rule` names it so the UI can say why. */
export class PolicyRefusedError extends DomainError {
  override name = 'PolicyRefusedError';
  readonly rule: string;
  constructor(rule: string, message: string) {
    super(message);
    this.rule = rule;
  }
}

/** An audit action of the product's own namespaces (RESERVED_ACTION_NAMESPACES), which nobody writes by hand. */
export class ReservedActionError extends DomainError {
  override name = 'ReservedActionError';
  readonly field: string;
  readonly action: string;
  constructor(field: string, action: string) {
    super(
      `${action} is written by b24-gdpr itself when it happens; it cannot be recorded through recordEvents.`,
    );
    this.field = field;
    this.action = action;
  }
}

/** The portal could not be reached or refused us; retrying later may help. */
export class PortalUnavailableError extends DomainError {
  override name = 'PortalUnavailableError';
}
