import { UserRights } from '../../../rights/user-rights.entity.ts';
import { defineCategory } from '../category.ts';

type RightsRow = Pick<
  UserRights,
  'userId' | 'canAnonymise' | 'canErase' | 'updatedBy' | 'createdAt' | 'updatedAt'
>;

export const rights = defineCategory<RightsRow>({
  name: 'rights',
  title: 'Your rights in this system',
  about:
    'Whether an administrator has allowed you to anonymise or erase your own data here. No row means ' +
    'nobody set them for you and the general settings apply.',
  source: 'system',
  columns: [
    {
      name: 'can_anonymise',
      about: 'yes when you may anonymise your own data.',
      value: (r) => r.canAnonymise,
    },
    { name: 'can_erase', about: 'yes when you may erase your own data.', value: (r) => r.canErase },
    {
      name: 'set_by',
      about: 'User number of the administrator who last set these rights.',
      value: (r) => r.updatedBy,
    },
    { name: 'created_at', about: 'When they were first set (ISO 8601, UTC).', value: (r) => r.createdAt },
    { name: 'updated_at', about: 'When they last changed (ISO 8601, UTC).', value: (r) => r.updatedAt },
  ],
  async *rows(ctx) {
    const row = await ctx.sources.em.findOne(
      UserRights,
      { userId: ctx.sources.subjectUserId },
      {
        fields: ['userId', 'canAnonymise', 'canErase', 'updatedBy', 'createdAt', 'updatedAt'],
        disableIdentityMap: true,
      },
    );
    if (row) yield row;
  },
});
