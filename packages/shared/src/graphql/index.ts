import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type OperationDefinitionNode, print } from 'graphql';

export type { ResultOf, TypedDocumentNode, VariablesOf } from '@graphql-typed-document-node/core';
// The API's operations (src/graphql/operations/*.graphql) with their result and variable types.
export * from './generated.ts';

const printed = new WeakMap<object, { query: string; operationName: string | undefined }>();

/** The JSON body of a request for one of the documents above; each document is printed once. */
export function requestBody<TResult, TVariables>(
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
): { query: string; operationName: string | undefined; variables: TVariables } {
  let text = printed.get(document);
  if (!text) {
    const operation = document.definitions.find(
      (d): d is OperationDefinitionNode => d.kind === 'OperationDefinition',
    );
    text = { query: print(document), operationName: operation?.name?.value };
    printed.set(document, text);
  }
  return { ...text, variables };
}
