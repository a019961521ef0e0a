import type { EntityManager } from '@mikro-orm/core';
import type { RecordVersionInput } from './edit-history.service.ts';

/**
 * Whether a portal user was erased or anonymised here (their own records settled), as far as the edit
 * history cares: an erased person's texts are not stored again, an anonymised person is not named.
 */
export type EditorStanding = 'erased' | 'anonymised' | null;
export type EditorStandingCheck = (em: EntityManager, editor: number) => Promise<EditorStanding>;

export const nobodyErased: EditorStandingCheck = async () => null;

/**
 * What may be stored of a version that arrives after its author's erasure or anonymisation: a portal
 * event or a chat event queued before the request (the chat log keeps them a day) still carries their
 * text and id. Nothing of an erased author; an anonymised author's text without their id.
 */
export async function admitVersion(
  em: EntityManager,
  input: RecordVersionInput,
  standing: EditorStandingCheck,
): Promise<RecordVersionInput | null> {
  if (input.editor === null) return input;
  const status = await standing(em, input.editor);
  if (status === 'erased') return null;
  return status === 'anonymised' ? { ...input, editor: null } : input;
}
