import { readFile, stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadConfig } from '../../config/config.ts';
import { operatorPath } from '../../config/invocation-dir.ts';
import { configuredPublicKeys } from '../../modules/keys/configured-keys.ts';
import { type PublishedKey, parsePublicKeys } from '../../modules/keys/public-keys.ts';
import { type DigestTrust, verifyDigestFile } from '../../modules/reports/digest.ts';

interface VerifyOptions {
  publicKey?: string;
  trustEmbeddedKey?: boolean;
}

/**
 * `audit verify-digest file.zip`: offline, no database. The signature is checked against a key the
 * auditor got elsewhere (`--public-key`), or this server's published keys when run on it; the key inside
 * the file proves nothing about who made it, so it is used only when asked, with a warning.
 */
export function registerVerifyDigest(audit: Command): void {
  audit
    .command('verify-digest')
    .description('check a weekly file offline: file hashes and the Ed25519 signature of digest.json')
    .argument('<file>', 'the weekly ZIP')
    .option(
      '--public-key <file|base64>',
      'a PEM file, the JSON of /audit/public-keys saved to a file, or base64 of the key (SPKI DER)',
    )
    .option('--trust-embedded-key', 'check against the key inside the file (proves integrity, not origin)')
    .action(async (file: string, options: VerifyOptions) => {
      const { trust, source } = await trustFor(options);
      if (!trust) {
        process.stderr.write(
          'error: no key to check against: give --public-key (the JSON of /audit/public-keys, a PEM file or ' +
            'base64), run this where the API keeps its keys (AUDIT_KEYS_DIR), or pass --trust-embedded-key\n',
        );
        process.exitCode = 1;
        return;
      }
      if ('trustEmbeddedKey' in trust)
        process.stderr.write(
          'warning: checking against the key inside the file: anyone can re-sign a file with a key of their ' +
            'own, so compare the key id below with the published ones (/audit/public-keys)\n',
        );
      const check = verifyDigestFile(await readFile(operatorPath(file)), trust);
      if (check.ok) {
        const d = check.digest!;
        process.stdout.write(
          `OK: ${d.week}, ${d.eventCount} events, ${check.checkedFiles.length} files match, signature valid ` +
            `(key ${check.keyId}, ${source}); digest SHA-256 ${check.digestHash}\n`,
        );
      } else {
        for (const problem of check.problems) process.stdout.write(`FAILED ${problem}\n`);
        process.exitCode = 2;
      }
    });
}

async function trustFor(options: VerifyOptions): Promise<{ trust: DigestTrust | null; source: string }> {
  if (options.publicKey && options.trustEmbeddedKey)
    throw new Error('give either --public-key or --trust-embedded-key, not both');
  if (options.trustEmbeddedKey) return { trust: { trustEmbeddedKey: true }, source: 'key inside the file' };
  if (options.publicKey)
    return { trust: { publicKeys: await givenKeys(options.publicKey) }, source: 'given key' };
  const configured = await configuredPublicKeys(loadConfig());
  return { trust: configured && { publicKeys: configured }, source: 'this server’s published keys' };
}

/** A file's content when the value names a file, else the value itself (base64 of a key). */
async function givenKeys(value: string): Promise<PublishedKey[]> {
  const file = operatorPath(value);
  const isFile = await stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
  try {
    return parsePublicKeys(isFile ? await readFile(file, 'utf8') : value);
  } catch (error) {
    throw new Error(`--public-key: neither a key file nor a base64 key (${(error as Error).message})`);
  }
}
