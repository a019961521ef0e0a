import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import { GraphQLError, type GraphQLFieldResolver, type GraphQLResolveInfo } from 'graphql';
import { InvalidInputError } from '../errors.ts';
import { argumentsChecker, type InputShapeProblem } from './input-shape.ts';

declare global {
  export namespace PothosSchemaTypes {
    interface Plugins<Types extends SchemaTypes> {
      inputShape: InputShapePlugin<Types>;
    }
  }
}

/**
 * For a field that declares no typed errors: the same refusal as a GraphQL error the server passes
 * through unmasked (yoga.ts), with `code: BAD_USER_INPUT` and the field it names.
 */
export class InputShapeError extends GraphQLError {
  constructor(problem: InputShapeProblem) {
    super(`${problem.field}: ${problem.message}`, {
      extensions: { code: 'BAD_USER_INPUT', field: problem.field },
    });
  }
}

/**
 * Checks every field's arguments (query, mutation and subscription fields, literals and variables alike:
 * resolvers see them coerced) before the resolver runs, so no service ever sees a NUL, a lone surrogate,
 * an id of the wrong shape or a negative user id (input-shape.ts says which). Registered after scope-auth
 * (an unauthorised caller learns nothing about the input) and after the errors plugin, so the refusal
 * becomes the field's `InvalidInputError` union member; every field with typed errors has that member
 * (builder.ts `defaultTypes`).
 */
export class InputShapePlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    return this.#guard(resolver, fieldConfig) ?? resolver;
  }

  override wrapSubscribe(
    subscribe: GraphQLFieldResolver<unknown, Types['Context'], object> | undefined,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> | undefined {
    return subscribe && (this.#guard(subscribe, fieldConfig) ?? subscribe);
  }

  #guard(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> | null {
    if (Object.keys(fieldConfig.args).length === 0) return null;
    const typed = (fieldConfig.extensions?.pothosErrors as unknown[] | undefined)?.includes(
      InvalidInputError,
    );
    // Built on the first call from the schema's own argument types (the schema does not exist yet here).
    let check: ReturnType<typeof argumentsChecker> | undefined;
    return (parent, args, context, info) => {
      check ??= argumentsChecker(argumentsOf(info));
      const problem = check?.(args, '') ?? null;
      if (problem) {
        throw typed ? new InvalidInputError(problem.field, problem.message) : new InputShapeError(problem);
      }
      return resolver(parent, args, context, info);
    };
  }
}

function argumentsOf(info: GraphQLResolveInfo) {
  return info.parentType.getFields()[info.fieldName]?.args ?? [];
}

const pluginName = 'inputShape' as const;
export default pluginName;

SchemaBuilder.registerPlugin(pluginName, InputShapePlugin);
