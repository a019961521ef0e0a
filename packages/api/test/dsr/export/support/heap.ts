import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A handle on V8's collector without `--expose-gc` on the command line: retained memory is what
 * a streaming test is about, and without a collection first heapUsed mostly measures garbage.
 */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap in use after a full collection, in bytes. */
export function retainedHeap(): number {
  gc();
  return process.memoryUsage().heapUsed;
}
