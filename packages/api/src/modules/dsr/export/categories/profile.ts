import { Bitrix24NotFoundError, command } from '../../../../bitrix24/index.ts';
import { defineCategory } from '../category.ts';
import { text } from '../cells.ts';

interface ProfileRow {
  field: string;
  label: string;
  value: unknown;
}

/**
 * Every field `user.fields` lists, empty ones included (an empty field is an answer too), then any
 * field the portal returned that it does not list (custom `UF_*` fields). One request: both methods
 * ride in one batch.
 */
export const profile = defineCategory<ProfileRow>({
  name: 'profile',
  title: 'Your profile',
  about:
    'Every field of your Bitrix24 user profile, one field per row, read with administrator rights so ' +
    'that fields hidden from other employees are included too.',
  source: 'portal',
  columns: [
    {
      name: 'field',
      about: 'The field as Bitrix24 names it (for example PERSONAL_PHONE).',
      value: (r) => r.field,
    },
    { name: 'label', about: 'What the field is, as Bitrix24 describes it.', value: (r) => r.label },
    {
      name: 'value',
      about: 'What your profile holds in that field; lists are separated by "; ", empty when not set.',
      value: (r) => (typeof r.value === 'boolean' ? r.value : text(r.value)),
    },
  ],
  async *rows(ctx) {
    const { portal, subjectUserId } = ctx.sources;
    const answers = await portal.batch(
      {
        fields: command('user.fields'),
        user: command('user.get', { FILTER: { ID: subjectUserId }, ADMIN_MODE: true }),
      },
      { signal: ctx.signal },
    );
    if (answers.fields.status === 'error') throw answers.fields.error;
    if (answers.user.status === 'error') throw answers.user.error;
    const labels = answers.fields.status === 'ok' ? answers.fields.result : {};
    const user = answers.user.status === 'ok' ? answers.user.result[0] : undefined;
    if (!user) {
      throw new Bitrix24NotFoundError({
        code: 'USER_NOT_FOUND',
        description: `user ${subjectUserId} is not on the portal`,
        method: 'user.get',
      });
    }
    for (const [field, label] of Object.entries(labels)) {
      yield { field, label: String(label), value: user[field] };
    }
    for (const [field, value] of Object.entries(user)) {
      if (!Object.hasOwn(labels, field)) yield { field, label: field, value };
    }
  },
});
