import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** A key file or folder that cannot be used as it is; the message names the file and what to do. */
export class KeyFileError extends Error {
  override name = 'KeyFileError';
}

/**
 * A secret file's text, or null when there is none. A file that the group or others may read is refused:
 * whoever could read it could sign or recompute commitments.
 */
export async function readPrivateFile(file: string): Promise<string | null> {
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (!info) return null;
  if ((info.mode & 0o077) !== 0)
    throw new KeyFileError(
      `${file} is readable by others (mode ${(info.mode & 0o777).toString(8)}): chmod 600 it (AUDIT_KEYS_DIR)`,
    );
  return readFile(file, 'utf8');
}

/** Writes a file readable by this user only, in a folder only this user may enter; whole or not at all. */
export async function writePrivateFile(file: string, content: string): Promise<void> {
  await ensureKeysDir(path.dirname(file));
  const partial = `${file}.${randomBytes(4).toString('hex')}.partial`;
  try {
    await writeFile(partial, content, { mode: 0o600, flag: 'wx' });
    await rename(partial, file);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

/** The keys folder, made 0700 when missing. */
export async function ensureKeysDir(dir: string): Promise<void> {
  const existed = await stat(dir).catch(() => null);
  if (existed) return;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700); // mkdir's mode is masked by the umask
}

/**
 * Creates a private file unless one exists (two processes starting at once: one wins, and both then read
 * the winner's). True when this call wrote it.
 */
export async function createPrivateFile(file: string, content: string): Promise<boolean> {
  await ensureKeysDir(path.dirname(file));
  try {
    await writeFile(file, content, { mode: 0o600, flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}
