import { type DiskStorage, lists, readBatchedKeyset } from '../../../../bitrix24/index.ts';
import { defineCategory } from '../category.ts';
import { id, text } from '../cells.ts';

/**
 * The subject's Drive storages (`disk.storage.getlist`, ENTITY_TYPE user). The files inside are not
 * listed yet: that needs `disk.storage.getchildren`/`disk.folder.getchildren`, which the sandbox does
 * not emulate, and untested code must not decide what an employee is told they hold. The manifest
 * says so.
 */
export const drive = defineCategory<DiskStorage>({
  name: 'drive',
  title: 'Your Drive',
  about:
    'Your personal Bitrix24 Drive storage. The files and folders inside it are not listed in this archive; ' +
    'open the link to see them.',
  source: 'portal',
  columns: [
    { name: 'storage_id', about: 'Number of the storage in Bitrix24.', value: (s) => id(s.ID) },
    { name: 'name', about: 'Name of the storage.', value: (s) => text(s.NAME) },
    {
      name: 'root_folder_id',
      about: "Number of the storage's top folder.",
      value: (s) => id(s.ROOT_OBJECT_ID),
    },
    { name: 'link', about: 'Where to open it in Bitrix24.', value: (s) => text(s.link) },
  ],
  async *rows(ctx) {
    const { portal, subjectUserId: subject, portalDomain } = ctx.sources;
    const spec = lists.diskStorages({ filter: { ENTITY_TYPE: 'user', ENTITY_ID: subject } });
    for await (const page of readBatchedKeyset(portal, spec, { signal: ctx.signal })) {
      for (const storage of page) {
        if (storage.ENTITY_TYPE !== 'user' || String(storage.ENTITY_ID) !== String(subject)) continue;
        yield { ...storage, link: `https://${portalDomain}/company/personal/user/${subject}/disk/path/` };
      }
    }
    ctx.notAccessible({
      item: 'files and folders',
      code: 'NOT_LISTED',
      reason:
        'The files and folders inside your Drive are not listed in this archive yet; they are in Bitrix24 Drive ' +
        'at the link in drive.csv.',
      partial: true,
    });
  },
});
