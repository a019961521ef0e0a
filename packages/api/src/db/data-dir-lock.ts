import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * PGlite must be the only writer of its data folder: a second process opening it would corrupt it.
 * `${dir}.lock` (beside the folder, which PGlite owns) holds the owner's pid; a lock whose process is
 * gone is taken over. Creates the folder's parent if missing. Resolves to the unlock function.
 */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  await mkdir(path.dirname(dir), { recursive: true });
  const file = `${dir}.lock`;
  for (let attempt = 0; ; attempt++) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      return () => unlink(file).catch(() => {});
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      const owner = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(owner) && isAlive(owner)) {
        throw new Error(
          `${dir} is in use by process ${owner}: only one process may open an embedded database; ` +
            'others connect to it through the URL that process serves',
        );
      }
      await unlink(file).catch(() => {});
    }
  }
}

/** The live process holding the embedded database in `dir`, if any (a lock left by a dead one is no holder). */
export async function lockHolder(dir: string): Promise<number | null> {
  const owner = Number.parseInt(await readFile(`${dir}.lock`, 'utf8').catch(() => ''), 10);
  return Number.isInteger(owner) && isAlive(owner) ? owner : null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
