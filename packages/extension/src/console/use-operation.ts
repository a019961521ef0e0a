import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import {
  callApi,
  type OperationName,
  type OperationResult,
  type OperationVariables,
} from '../api/operations.ts';
import type { OutcomeError } from '../messaging/protocol.ts';

export type Loadable<T> =
  | { state: 'loading' }
  | { state: 'error'; error: OutcomeError }
  | { state: 'ready'; value: T };

/**
 * Runs a query whenever its variables change (compared as JSON) and on `reload()`. An answer that
 * arrives after newer variables were asked for is dropped, so fast paging never shows a stale page.
 */
export function useOperation<N extends OperationName>(
  name: N,
  variables: OperationVariables<N>,
): [Loadable<OperationResult<N>>, () => void] {
  const [result, setResult] = useState<Loadable<OperationResult<N>>>({ state: 'loading' });
  const [generation, setGeneration] = useState(0);
  const latest = useRef(0);
  const key = JSON.stringify(variables);

  // `key` stands for `variables`: a new object with the same content must not ask again.
  useEffect(() => {
    const ticket = ++latest.current;
    setResult((previous) => (previous.state === 'ready' ? previous : { state: 'loading' }));
    void callApi(name, variables).then(
      (outcome) => {
        if (ticket !== latest.current) return;
        setResult(
          outcome.ok ? { state: 'ready', value: outcome.value } : { state: 'error', error: outcome.error },
        );
      },
      (error: unknown) => {
        if (ticket !== latest.current) return;
        setResult({ state: 'error', error: { kind: 'unknown', message: String(error) } });
      },
    );
  }, [name, key, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return [result, reload];
}

/** Runs a mutation and turns a thrown messaging failure into an outcome like any other. */
export async function runOperation<N extends OperationName>(name: N, variables: OperationVariables<N>) {
  try {
    return await callApi(name, variables);
  } catch (error) {
    return { ok: false as const, error: { kind: 'unknown' as const, message: String(error) } };
  }
}
