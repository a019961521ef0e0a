/** A portal user as a list shows them: "First Last"; the id alone when the portal gave no name. */
export function fullName(user: { id: number; name: string; lastName: string }): string {
  const name = `${user.name} ${user.lastName}`.trim();
  return name || `#${user.id}`;
}

/** An API timestamp in the reader's locale; '—' for none. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A person named by the API, with their portal id ("Ada Lovelace (#7)"), or just the id when unnamed. */
export function personLabel(name: string | null | undefined, id: number): string {
  return name ? `${name} (#${id})` : `#${id}`;
}
