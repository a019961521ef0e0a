import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Refuses an output file that could not be written, before any work starts: an export that runs, notifies
 * the subject and then fails on a missing folder leaves a request done and no file where it was asked.
 */
export async function checkOutputFile(path: string): Promise<void> {
  const folder = dirname(path);
  const dir = await stat(folder).catch(() => null);
  if (!dir?.isDirectory()) throw new Error(`--out: the folder ${folder} does not exist; nothing was done`);
  if (
    await access(folder, constants.W_OK).then(
      () => false,
      () => true,
    )
  )
    throw new Error(`--out: the folder ${folder} is not writable; nothing was done`);
  const existing = await stat(path).catch(() => null);
  if (existing?.isDirectory())
    throw new Error(`--out: ${path} is a folder; give a file name; nothing was done`);
}
