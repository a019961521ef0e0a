/**
 * The limits of the weekly-report mail retry settings: the API's settings schema enforces them, the console
 * checks them before saving, so it can name the field.
 */

/** Tries per mailing before the file is marked FAILED (the first one included). */
export const MAIL_ATTEMPTS = { min: 1, max: 20 } as const;

/** Wait before the first retry, in seconds; each further retry waits about twice as long. */
export const MAIL_RETRY_SECONDS = { min: 1, max: 86_400 } as const;
