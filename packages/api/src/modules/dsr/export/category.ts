import type { ExportSources, NotAccessible, Period } from './types.ts';

/**
 * What a column may hold. Strings are always neutralised against formula injection when written;
 * numbers only ever come from `cells.id()`/`cells.count()` or our own records, so they pass as they are.
 */
export type Cell = string | number | boolean | Date | null | undefined;

export interface Column<R> {
  /** Header in the CSV: lower_snake_case, stable across versions. */
  name: string;
  /** One sentence for README.txt, written for the employee. */
  about: string;
  value(row: R): Cell;
}

export interface CategoryContext {
  readonly sources: ExportSources;
  readonly signal: AbortSignal | undefined;
  readonly generatedAt: Date;
  /** Records what could not be read; the category carries on (or returns) after it. */
  notAccessible(entry: Omit<NotAccessible, 'category' | 'partial'> & { partial?: boolean }): void;
  /** One read per export for data several categories use (the subject's chats). */
  shared<T>(key: string, load: () => Promise<T>): Promise<T>;
}

/**
 * One file of the archive: a name, documented columns and an async row generator. Rows are pulled
 * one at a time while the CSV is written, so a generator must yield as it reads (page by page) and
 * never collect a category in memory.
 */
export interface ExportCategory<R> {
  /** File stem (`chat-messages` → `chat-messages.csv`). */
  name: string;
  /** Heading in README.txt. */
  title: string;
  /** What the file holds and where it comes from, in plain words. */
  about: string;
  source: 'portal' | 'system';
  columns: readonly Column<R>[];
  /** The window the read covers; everything up to the export by default. */
  period?(generatedAt: Date): Period;
  rows(ctx: CategoryContext): AsyncIterable<R>;
}

/** The list holds categories of different row types; each one is checked where it is defined. */
// biome-ignore lint/suspicious/noExplicitAny: rows and columns of one category agree by defineCategory<R>.
export type AnyCategory = ExportCategory<any>;

export function defineCategory<R>(category: ExportCategory<R>): ExportCategory<R> {
  const names = new Set<string>();
  for (const column of category.columns) {
    if (!/^[a-z][a-z0-9_]*$/.test(column.name)) throw new TypeError(`bad column name ${column.name}`);
    if (names.has(column.name)) throw new TypeError(`duplicate column ${category.name}.${column.name}`);
    names.add(column.name);
  }
  if (!/^[a-z][a-z0-9-]*$/.test(category.name)) throw new TypeError(`bad category name ${category.name}`);
  return category;
}
