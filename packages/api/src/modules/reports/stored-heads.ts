import path from 'node:path';
import type { EntityManager } from '@mikro-orm/core';
import type { PublishedHead } from '../audit-publish/head-channel.ts';
import { storedDigest } from './digest.ts';
import { WeeklyReport } from './weekly-report.entity.ts';

/**
 * The signed tree heads the stored weekly files carry (the mailed copies hold the same bytes): a channel
 * the verifier reads heads back from. Files without one (made before heads existed) are skipped, and so
 * is a file gone from the folder: the verifier still has the portal's and the witnesses' copies.
 */
export async function weeklyFileHeads(em: EntityManager, dataDir: string): Promise<PublishedHead[]> {
  const heads: PublishedHead[] = [];
  for (const report of await em.find(WeeklyReport, {}, { orderBy: { periodStart: 'asc' } })) {
    const treeHead = (await storedDigest(path.join(dataDir, 'reports', path.basename(report.fileName))))
      ?.treeHead;
    if (treeHead) {
      heads.push({
        head: treeHead,
        channel: 'weekly-file',
        where: `weekly file ${report.week} (${report.fileName})`,
      });
    }
  }
  return heads;
}
