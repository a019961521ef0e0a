import { messenger } from './selectors.ts';
import { visibleText } from './visible-text.ts';

/** One chat message of the new messenger as the page shows it. */
export interface ChatMessage {
  /** `data-id`, the message id the API's MESSAGE content refs use. */
  id: string;
  text: string;
  /** The messenger shows its "edited" mark. */
  edited: boolean;
  element: Element;
}

/** Every message under `root`; deleted messages (no text block) and temporary ids are left out. */
export function readMessages(root: ParentNode): ChatMessage[] {
  const messages: ChatMessage[] = [];
  const self = (root as Node).nodeType === 1 && (root as Element).matches(messenger.message);
  for (const element of [...(self ? [root as Element] : []), ...root.querySelectorAll(messenger.message)]) {
    const id = element.getAttribute('data-id') ?? '';
    const textElement = element.querySelector(messenger.text);
    if (!/^\d+$/.test(id) || !textElement) continue;
    messages.push({
      id,
      text: visibleText(textElement),
      edited: element.querySelector(messenger.editMark) !== null,
      element,
    });
  }
  return messages;
}
