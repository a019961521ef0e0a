import { findTextProblem, isPortalId, isUuid, textProblem } from '@b24-gdpr/shared';
import type { GraphQLArgument, GraphQLInputObjectType, GraphQLInputType } from 'graphql';

/** The first argument value that cannot enter the system: its path as clients name fields, and why. */
export interface InputShapeProblem {
  field: string;
  message: string;
}

type Check = (value: unknown, path: string) => InputShapeProblem | null;

/**
 * Int arguments and input fields that hold Bitrix24 user ids. In this schema they are exactly the names
 * ending in `Id`/`Ids` (userId, actorId, subjectUserId, userIds, …) and `alertRecipients`, except the audit
 * log's own `logId` (a signed head given back to the API names its log, not a person);
 * test/graphql/input-shape.test.ts lists every Int in the schema so a new one is classified on purpose.
 */
export function holdsPortalIds(name: string): boolean {
  return (/Ids?$/.test(name) && name !== 'logId') || name === 'alertRecipients';
}

const sentence = (problem: string) => `${problem[0]!.toUpperCase()}${problem.slice(1)}.`;

/**
 * A checker for one field's arguments, built from their GraphQL types: every String and ID (and every
 * string inside a JSON value, keys too) is well-formed text without NUL; every ID is a UUID, since every
 * id this API issues is one; every Int that holds user ids is a portal id. Enums, booleans, dates and
 * other numbers are left to the field's own rules.
 */
export function argumentsChecker(args: readonly GraphQLArgument[]): Check | null {
  const checks = args.flatMap((arg) => {
    const check = checkerFor(arg.type, arg.name);
    return check ? [{ name: arg.name, check }] : [];
  });
  if (checks.length === 0) return null;
  return (values) => {
    const record = values as Record<string, unknown>;
    for (const { name, check } of checks) {
      const value = record[name];
      if (value === undefined || value === null) continue;
      const problem = check(value, name);
      if (problem) return problem;
    }
    return null;
  };
}

/**
 * The kind of a GraphQL type by its `Symbol.toStringTag`, not `instanceof`: graphql can be loaded twice
 * (ESM and CJS; the extension's tests run the API so), and its own `isListType` then throws.
 */
function kindOf(type: GraphQLInputType): string {
  return Object.prototype.toString.call(type).slice(8, -1);
}

function checkerFor(
  type: GraphQLInputType,
  name: string,
  seen = new Map<string, Check | null>(),
): Check | null {
  const kind = kindOf(type);
  if (kind === 'GraphQLNonNull') return checkerFor((type as { ofType: GraphQLInputType }).ofType, name, seen);
  if (kind === 'GraphQLList') {
    const item = checkerFor((type as { ofType: GraphQLInputType }).ofType, name, seen);
    if (!item) return null;
    return (value, path) => {
      if (!Array.isArray(value)) return null;
      for (let i = 0; i < value.length; i++) {
        if (value[i] === null || value[i] === undefined) continue;
        const problem = item(value[i], `${path}.${i}`);
        if (problem) return problem;
      }
      return null;
    };
  }
  if (kind === 'GraphQLEnumType') return null;
  if (kind === 'GraphQLInputObjectType') return inputObjectChecker(type as GraphQLInputObjectType, seen);
  switch ((type as { name?: string }).name) {
    case 'String':
      return checkText;
    case 'ID':
      return checkId;
    case 'JSON':
      return (value, path) => {
        const found = findTextProblem(value, path);
        return found && { field: found.path, message: sentence(found.problem) };
      };
    case 'Int':
      return holdsPortalIds(name) ? checkPortalId : null;
    default:
      return null;
  }
}

function inputObjectChecker(type: GraphQLInputObjectType, seen: Map<string, Check | null>): Check | null {
  // Input types may refer to themselves; the placeholder ends the recursion and is replaced below.
  if (seen.has(type.name)) return (value, path) => seen.get(type.name)?.(value, path) ?? null;
  seen.set(type.name, null);
  const fields = Object.values(type.getFields()).flatMap((field) => {
    const check = checkerFor(field.type, field.name, seen);
    return check ? [{ name: field.name, check }] : [];
  });
  const check: Check | null =
    fields.length === 0
      ? null
      : (value, path) => {
          if (typeof value !== 'object' || value === null) return null;
          const record = value as Record<string, unknown>;
          for (const { name, check } of fields) {
            const item = record[name];
            if (item === undefined || item === null) continue;
            const problem = check(item, `${path}.${name}`);
            if (problem) return problem;
          }
          return null;
        };
  seen.set(type.name, check);
  return check;
}

const checkText: Check = (value, path) => {
  if (typeof value !== 'string') return null;
  const problem = textProblem(value);
  return problem === null ? null : { field: path, message: sentence(problem) };
};

const checkId: Check = (value, path) => {
  if (typeof value !== 'string') return null;
  return isUuid(value) ? null : { field: path, message: 'Must be an id this API issued (a UUID).' };
};

const checkPortalId: Check = (value, path) => {
  if (typeof value !== 'number') return null;
  return isPortalId(value)
    ? null
    : { field: path, message: 'Must be a portal user id (a positive integer).' };
};
