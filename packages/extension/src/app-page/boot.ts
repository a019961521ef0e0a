import {
  APP_PAGE_BOOT_ELEMENT,
  APP_PAGE_LANGUAGES,
  APP_PAGE_VIEWS,
  type AppPageBoot,
} from '@b24-gdpr/shared';

/** The boot data the server wrote into the shell, checked field by field (null when anything is off). */
export function readBoot(document: Document): AppPageBoot | null {
  const text = document.getElementById(APP_PAGE_BOOT_ELEMENT)?.textContent;
  if (!text) return null;
  let raw: Partial<Record<keyof AppPageBoot, unknown>>;
  try {
    raw = JSON.parse(text) as typeof raw;
  } catch {
    return null;
  }
  const id = (value: unknown) =>
    Number.isSafeInteger(value) && (value as number) > 0 ? (value as number) : null;
  const view = APP_PAGE_VIEWS.find((v) => v === raw.view);
  const lang = APP_PAGE_LANGUAGES.find((l) => l === raw.lang);
  const userId = id(raw.userId);
  const subjectUserId = id(raw.subjectUserId);
  if (!view || !lang || !userId || !subjectUserId) return null;
  if (typeof raw.token !== 'string' || typeof raw.handoffTicket !== 'string') return null;
  if (typeof raw.isAdmin !== 'boolean') return null;
  if (typeof raw.portalOrigin !== 'string' || !/^https?:\/\/[^/]+$/.test(raw.portalOrigin)) return null;
  return {
    view,
    lang,
    token: raw.token,
    handoffTicket: raw.handoffTicket,
    userId,
    subjectUserId,
    isAdmin: raw.isAdmin,
    portalOrigin: raw.portalOrigin,
  };
}
