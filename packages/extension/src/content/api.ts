import type { OperationName, OperationResult, OperationVariables } from '../api/operations.ts';
import { type Outcome, sendMessage } from '../messaging/protocol.ts';

/**
 * `callApi` for content scripts. The shared one (src/api/operations.ts) imports every GraphQL
 * document as a value; importing only its types keeps those documents out of the content script's
 * bundle: the background resolves the operation by name.
 */
export async function callApi<N extends OperationName>(
  operation: N,
  variables: OperationVariables<N>,
): Promise<Outcome<OperationResult<N>>> {
  const outcome = await sendMessage('graphql', {
    operation,
    variables: variables as Record<string, unknown>,
  });
  return outcome as Outcome<OperationResult<N>>;
}
