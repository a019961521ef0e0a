import type { EntityManager } from '@mikro-orm/core';
import type { Bitrix24Client } from '../../../bitrix24/index.ts';
import type { CredentialStatus } from '../../portal/connect.ts';
import type { AppSecret } from '../../settings/app-secret.ts';

/** Where the export reads from. */
export interface ExportSources {
  /** Admin webhook client (ADMIN_MODE reads). */
  portal: Bitrix24Client;
  /**
   * The subject's own credentials. Bitrix24 shows chat messages to participants only, so without
   * them chats are reported in `notAccessible` with the reason, never silently left out.
   */
  asSubject: Bitrix24Client | undefined;
  /** Why `asSubject` is missing, in the connection's words (PortalConnection.credentialStatus). */
  subjectCredentials?: CredentialStatus | undefined;
  /** A fork, for this system's own records about the subject. */
  em: EntityManager;
  subjectUserId: number;
  portalDomain: string;
  /** Keys the pseudonyms that stand for other people in this system's records (`system/people.ts`). */
  secret: AppSecret;
}

export interface ExportProgress {
  category: string;
  /** Rows written to the category's file so far. */
  rows: number;
}

export type ProgressListener = (progress: ExportProgress) => void;

/** A time window as ISO strings; `from: null` means "from the first record kept". */
export interface Period {
  from: string | null;
  to: string;
}

/** Something we could not read (or read only in part), and why, in words the employee can follow. */
export interface NotAccessible {
  category: string;
  /** What exactly, when narrower than the category (`chat 12`). */
  item?: string;
  /** Machine-readable: the portal's error code or one of ours (`NO_SUBJECT_CREDENTIALS`). */
  code: string;
  reason: string;
  /** True when some rows of the category were written before the failure. */
  partial: boolean;
}

export interface ManifestCategory {
  name: string;
  title: string;
  file: string;
  /** `portal`: read from Bitrix24; `system`: this system's own records. */
  source: 'portal' | 'system';
  rows: number;
  bytes: number;
  /** SHA-256 (hex) of the file's bytes as written to the archive, BOM included. */
  sha256: string;
  columns: string[];
  period: Period;
}

export interface ExportManifest {
  format: 'b24-gdpr-export';
  version: 1;
  generatedAt: string;
  portal: string;
  subject: { userId: number };
  /** The widest window any category covers; each category says its own. */
  period: Period;
  categories: ManifestCategory[];
  /** Other files in the archive (README.txt) with their hashes. */
  files: { file: string; bytes: number; sha256: string }[];
  notAccessible: NotAccessible[];
}
