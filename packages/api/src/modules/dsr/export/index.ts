/**
 * The export of a data subject's data (GDPR Art. 15 and 20) as a streamed ZIP of CSV files.
 * `writeExportArchive` is the one entry point; the job runner owns the request around it.
 */
import type { ExportManifest, ExportSources, ProgressListener } from './types.ts';
import { writeArchive } from './write-archive.ts';

export { EXPORT_CATEGORIES } from './categories/index.ts';
export type { AnyCategory, CategoryContext, Cell, Column, ExportCategory } from './category.ts';
export { defineCategory } from './category.ts';
export type {
  ExportManifest,
  ExportProgress,
  ExportSources,
  ManifestCategory,
  NotAccessible,
  Period,
  ProgressListener,
} from './types.ts';

/**
 * Writes the subject's archive to `out` and returns its manifest (also written as manifest.json).
 * Memory stays flat whatever the volume: rows stream from the portal through CSV into the ZIP.
 * `signal` is honoured between pages; on cancellation or failure `out` is destroyed (the partial
 * file is the caller's to delete) and the promise rejects.
 */
export function writeExportArchive(
  sources: ExportSources,
  out: NodeJS.WritableStream,
  onProgress?: ProgressListener,
  signal?: AbortSignal,
): Promise<ExportManifest> {
  return writeArchive(sources, out, undefined, onProgress, signal);
}
