import { type GraphQLArgument, type GraphQLInputField, getNamedType, isInputObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/schema/index.ts';
import { holdsPortalIds } from '../../src/schema/input-shape.ts';

/** Every Int argument and input field in the schema, as `Type.field(arg)` or `Input.field`. */
function intInputs(): { where: string; name: string }[] {
  const found: { where: string; name: string }[] = [];
  const visit = (where: string, input: GraphQLArgument | GraphQLInputField) => {
    if (getNamedType(input.type).name === 'Int') found.push({ where, name: input.name });
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) visit(`${type.name}.${field.name}`, field);
    } else if ('getFields' in type) {
      for (const field of Object.values(type.getFields())) {
        for (const arg of 'args' in field ? field.args : [])
          visit(`${type.name}.${field.name}(${arg.name})`, arg);
      }
    }
  }
  return found;
}

describe('which Int inputs hold portal user ids', () => {
  // A new Int argument lands in one list or the other here, so its rule is chosen, not inherited.
  it('classifies every Int in the schema', () => {
    const inputs = intInputs();
    const names = (portal: boolean) =>
      [...new Set(inputs.filter((i) => holdsPortalIds(i.name) === portal).map((i) => i.name))].sort();
    expect(names(true)).toEqual([
      'actorId',
      'adminUserId',
      'alertRecipients',
      'impersonatedUserId',
      'onBehalfOfId',
      'subjectUserId',
      'userId',
      'userIds',
    ]);
    expect(names(false)).toEqual([
      'afterDays',
      'auditRetentionDays',
      'dayOfWeek',
      'exportLinkTtlDays',
      'first',
      'last',
      'logId',
      'mailAttempts',
      'mailRetrySeconds',
      'maxMinutes',
    ]);
  });
});
