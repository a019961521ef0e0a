/**
 * Stands in for `#i18n` in the console's render tests: the fake browser has no `i18n.getMessage`.
 * A message is its key, with substitutions after it, so tests can tell which text was chosen.
 */
export const i18n = {
  t: (key: string, substitutions?: readonly string[]) =>
    substitutions?.length ? `${key}(${substitutions.join('|')})` : key,
};
