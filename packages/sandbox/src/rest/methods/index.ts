import { MethodRegistry } from '../registry.ts';
import { userMethods } from './user.ts';

/** Every REST method the sandbox implements. */
export function createMethodRegistry(): MethodRegistry {
  return new MethodRegistry().add(userMethods);
}
