import type { Command } from 'commander';
import { loadConfig } from '../../config/config.ts';
import { keysLocation } from '../../modules/keys/key-location.ts';
import { SigningKeys } from '../../modules/keys/signing-keys.ts';

/** `keys rotate` and `keys list`: the signing keys in AUDIT_KEYS_DIR (no database needed). */
export function registerKeyCommands(program: Command): void {
  const keys = program.command('keys').description('the signing keys of the weekly files and tree heads');

  keys
    .command('rotate')
    .description(
      'replace the signing key: the old one stays published with its validity period, its private key is deleted',
    )
    .action(async () => {
      const signing = new SigningKeys(keysLocation(loadConfig()));
      const { retired, current } = await signing.rotate();
      process.stdout.write(`${JSON.stringify({ retired, current })}\n`);
      process.stderr.write(
        `signing with ${current} from now on${retired ? `; ${retired} stays published for what it signed` : ''}. ` +
          'The running API picks it up at its next signature; the app secret is not rotated (see modules/keys/README.md).\n',
      );
    });

  keys
    .command('list')
    .description('every signing key’s id and validity period, as /audit/public-keys publishes them')
    .action(async () => {
      const signing = new SigningKeys(keysLocation(loadConfig()));
      for (const k of await signing.published())
        process.stdout.write(`${k.keyId}\t${k.validFrom ?? '-'}\t${k.validUntil ?? 'current'}\n`);
    });
}
