import { Bitrix24Error } from '../../../bitrix24/index.ts';
import { EXPORT_CATEGORIES } from './categories/index.ts';
import type { AnyCategory, CategoryContext } from './category.ts';
import { CsvFile } from './csv-file.ts';
import { renderReadme } from './readme.ts';
import type {
  ExportManifest,
  ExportSources,
  ManifestCategory,
  NotAccessible,
  Period,
  ProgressListener,
} from './types.ts';
import { ZipWriter } from './zip-writer.ts';

/** Progress is reported every this many rows, and once at the end of each category. */
const PROGRESS_EVERY = 1_000;

/**
 * Errors that mean "this category cannot be read", not "the export failed": the portal answered,
 * and answered no. Rate limits, server errors and dropped connections have had their retries in the
 * client; if they still fail, the export fails and the job retries it. A refused admin webhook
 * (auth) fails the export too: every category would be empty.
 */
function isRefusal(error: unknown): error is Bitrix24Error {
  return error instanceof Bitrix24Error && !error.retryable && error.kind !== 'auth';
}

function reasonFor(error: Bitrix24Error): string {
  const said = [error.code, error.description].filter(Boolean).join(': ') || 'no reason given';
  return `The portal refused to give this data (${said}).`;
}

async function writeCategory(
  zip: ZipWriter,
  category: AnyCategory,
  ctx: Omit<CategoryContext, 'notAccessible'>,
  notAccessible: NotAccessible[],
  onProgress: ProgressListener | undefined,
): Promise<ManifestCategory> {
  const file = new CsvFile(category.columns);
  const added = zip.add(`${category.name}.csv`, file.output);
  const categoryCtx: CategoryContext = {
    ...ctx,
    notAccessible: (entry) =>
      notAccessible.push({ category: category.name, ...entry, partial: entry.partial ?? file.rows > 0 }),
  };
  try {
    for await (const row of category.rows(categoryCtx)) {
      ctx.signal?.throwIfAborted();
      await file.write(row);
      if (file.rows % PROGRESS_EVERY === 0) onProgress?.({ category: category.name, rows: file.rows });
    }
  } catch (error) {
    if (!isRefusal(error)) {
      // The entry will never complete; the caller aborts the whole archive.
      added.catch(() => {});
      file.destroy(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
    categoryCtx.notAccessible({ code: error.code, reason: reasonFor(error) });
  }
  const written = await file.end();
  await added;
  onProgress?.({ category: category.name, rows: written.rows });
  return {
    name: category.name,
    title: category.title,
    file: `${category.name}.csv`,
    source: category.source,
    rows: written.rows,
    bytes: written.bytes,
    sha256: written.sha256,
    columns: category.columns.map((column) => column.name),
    period: category.period?.(ctx.generatedAt) ?? { from: null, to: ctx.generatedAt.toISOString() },
  };
}

function widest(periods: Period[], generatedAt: Date): Period {
  let from: string | null | undefined;
  let to = generatedAt.toISOString();
  for (const period of periods) {
    if (period.from === null) from = null;
    else if (from !== null && (from === undefined || period.from < from)) from = period.from;
    if (period.to > to) to = period.to;
  }
  return { from: from ?? null, to };
}

/**
 * Streams the archive: one CSV per category, then README.txt and manifest.json (last, because it
 * holds every file's hash). On failure or cancellation `out` is destroyed and the promise rejects.
 */
export async function writeArchive(
  sources: ExportSources,
  out: NodeJS.WritableStream,
  categories: readonly AnyCategory[] = EXPORT_CATEGORIES,
  onProgress?: ProgressListener,
  signal?: AbortSignal,
): Promise<ExportManifest> {
  signal?.throwIfAborted();
  const generatedAt = new Date();
  const zip = new ZipWriter(out, generatedAt);
  const memo = new Map<string, Promise<unknown>>();
  const ctx: Omit<CategoryContext, 'notAccessible'> = {
    sources,
    signal,
    generatedAt,
    shared: <T>(key: string, load: () => Promise<T>) => {
      if (!memo.has(key)) memo.set(key, load());
      return memo.get(key) as Promise<T>;
    },
  };
  const notAccessible: NotAccessible[] = [];
  try {
    const written: ManifestCategory[] = [];
    for (const category of categories) {
      written.push(await writeCategory(zip, category, ctx, notAccessible, onProgress));
    }
    const manifest: Omit<ExportManifest, 'files'> = {
      format: 'b24-gdpr-export',
      version: 1,
      generatedAt: generatedAt.toISOString(),
      portal: sources.portalDomain,
      subject: { userId: sources.subjectUserId },
      period: widest(
        written.map((c) => c.period),
        generatedAt,
      ),
      categories: written,
      notAccessible,
    };
    const readme = await zip.addText('README.txt', renderReadme(categories, manifest));
    const complete: ExportManifest = { ...manifest, files: [{ file: 'README.txt', ...readme }] };
    await zip.addText('manifest.json', `${JSON.stringify(complete, null, 2)}\n`);
    await zip.finish();
    return complete;
  } catch (error) {
    zip.abort(error instanceof Error ? error : new Error(String(error)));
    throw error;
  }
}
