import type { EntityManager } from '@mikro-orm/core';

/**
 * Versions before issue 14 kept the app secret in `system_setting` (`app.secret`) and the signing key in
 * `report_signing_key`, where anyone with a database dump could sign and recompute commitments. They are
 * read here once, written to the key files, and deleted (`openKeys`); nothing else reads them.
 */
export interface LegacyKeys {
  /** base64 */
  secret: string | null;
  signing: { privateKeyPem: string; createdAt: Date } | null;
}

export async function readLegacyKeys(em: EntityManager): Promise<LegacyKeys> {
  const connection = em.getConnection();
  const secrets = await connection.execute<{ value: unknown }[]>(
    `select value from system_setting where key = 'app.secret'`,
  );
  const signing = await connection.execute<{ private_key_pem: string; created_at: Date | string }[]>(
    `select private_key_pem, created_at from report_signing_key order by created_at limit 1`,
  );
  const secret = secrets[0]?.value;
  const key = signing[0];
  return {
    secret: typeof secret === 'string' ? secret : null,
    signing: key ? { privateKeyPem: key.private_key_pem, createdAt: new Date(key.created_at) } : null,
  };
}

/** Once the files hold them: the rows go. */
export async function deleteLegacyKeys(em: EntityManager): Promise<void> {
  const connection = em.getConnection();
  await connection.execute(`delete from system_setting where key = 'app.secret'`);
  await connection.execute('delete from report_signing_key');
}
