/** The extension's locale files flattened to Chrome message ids, per language (vite.pages.config.ts). */
declare module 'virtual:b24-gdpr-page-messages' {
  const messages: Record<'en' | 'de', Record<string, string>>;
  export default messages;
}
