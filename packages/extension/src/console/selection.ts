/** Ids ticked in a list; a set kept immutable so Preact sees each change. */
export function toggled(selected: ReadonlySet<number>, id: number, on: boolean): Set<number> {
  const next = new Set(selected);
  if (on) next.add(id);
  else next.delete(id);
  return next;
}

/** Ticks every id on the page, or clears them all when every one is already ticked. */
export function toggledAll(selected: ReadonlySet<number>, ids: readonly number[]): Set<number> {
  const all = ids.length > 0 && ids.every((id) => selected.has(id));
  return all ? new Set([...selected].filter((id) => !ids.includes(id))) : new Set([...selected, ...ids]);
}
