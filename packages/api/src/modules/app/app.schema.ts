import { builder } from '../../builder.ts';
import { InvalidInputError } from '../../errors.ts';
import { afterFilter, pageSize, toPage } from '../../schema/keyset.ts';
import { AppAdmin } from './app-admin.entity.ts';

const AdministratorSeenRef = builder.objectType(AppAdmin, {
  name: 'AdministratorSeen',
  description:
    'A user the portal said was an administrator (profile.ADMIN with their own token, application mode). No REST method lists a portal\u2019s administrators, so this is who we have seen; `admin` is the latest answer.',
  fields: (t) => ({
    userId: t.exposeInt('userId'),
    admin: t.exposeBoolean('admin', { description: 'The portal\u2019s latest answer for this user.' }),
    checkedAt: t.expose('checkedAt', { type: 'DateTime', description: 'When the portal was last asked.' }),
    firstAdminAt: t.expose('firstAdminAt', { type: 'DateTime' }),
    lastAdminAt: t.expose('lastAdminAt', { type: 'DateTime', description: 'When the answer was last yes.' }),
  }),
});

builder.queryField('administratorsSeen', (t) =>
  t.connection({
    type: AdministratorSeenRef,
    description:
      'Administrators seen on the installed portal, most recently confirmed first (application mode; empty with webhooks). Administrators and auditors.',
    authScopes: { admin: true, auditor: true },
    errors: { types: [InvalidInputError] },
    resolve: async (_root, args, { em, services }) => {
      const limit = pageSize(args.first);
      const portal = await services.portal.app?.portals.current();
      if (!portal) return toPage([], limit, (r: AppAdmin) => ({ at: r.lastAdminAt, id: r.id }), false);
      const rows = await em.find(
        AppAdmin,
        { $and: [{ portalId: portal.id }, afterFilter(args.after, 'lastAdminAt')] },
        { orderBy: [{ lastAdminAt: 'desc' }, { id: 'desc' }], limit: limit + 1 },
      );
      return toPage(rows, limit, (r) => ({ at: r.lastAdminAt, id: r.id }), Boolean(args.after));
    },
  }),
);
