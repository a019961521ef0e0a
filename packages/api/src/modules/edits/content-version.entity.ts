import { defineEntity, p } from '@mikro-orm/core';
import { BaseSchema } from '../../db/base.entity.ts';

export const CONTENT_ENTITY_TYPES = ['POST', 'COMMENT', 'MESSAGE', 'TASK_COMMENT'] as const;
export type ContentEntityType = (typeof CONTENT_ENTITY_TYPES)[number];

/** Where a version was seen: our API, the browser extension, a pushed portal event, the chat poller. */
export const VERSION_SOURCES = ['api', 'extension', 'portal-event', 'portal-poll'] as const;
export type VersionSource = (typeof VERSION_SOURCES)[number];

/**
 * One text of one portal item (post, comment, chat message, task comment) as it was at `editedAt`.
 * Versions of an item are numbered 1, 2, 3… without gaps; the same text twice in a row is one version.
 * A deletion is a version of its own: empty text, `deleted` true.
 */
export const ContentVersionSchema = defineEntity({
  name: 'ContentVersion',
  tableName: 'content_version',
  extends: BaseSchema,
  properties: {
    entityType: p.enum(CONTENT_ENTITY_TYPES),
    /** The portal's id of the item. */
    entityId: p.string().length(64),
    version: p.integer(),
    text: p.text(),
    /** SHA-256 hex of `text`. */
    textHash: p.string().length(64),
    deleted: p.boolean().default(false),
    editedAt: p.datetime(),
    /** Portal user id of whoever wrote this text; null where the portal does not say (deletions). */
    editor: p.integer().nullable(),
    /**
     * Portal user id of who saw this text in a page and reported it (the extension), confirmed against the
     * portal's current text before it became a version; null for versions the portal itself delivered.
     */
    witnessedBy: p.integer().nullable(),
    /** SHA-256 hex of the Bitrix24 session (`bitrix_sessid`) the edit was made in, when known. */
    sessionKey: p.string().length(64).nullable(),
    source: p.enum(VERSION_SOURCES),
  },
  uniques: [{ properties: ['entityType', 'entityId', 'version'] }],
  indexes: [{ properties: ['sessionKey'] }],
});

export class ContentVersion extends ContentVersionSchema.class {}
ContentVersionSchema.setClass(ContentVersion);
