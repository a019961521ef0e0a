/** Portal events this module binds and handles (BITRIX24.md "Events"). */
export const HANDLED_EVENTS = [
  'ONLIVEFEEDPOSTADD',
  'ONLIVEFEEDPOSTUPDATE',
  'ONLIVEFEEDPOSTDELETE',
  'ONTASKCOMMENTADD',
  'ONTASKCOMMENTUPDATE',
  'ONTASKCOMMENTDELETE',
] as const;
export type HandledEvent = (typeof HANDLED_EVENTS)[number];

export function isHandledEvent(event: string): event is HandledEvent {
  return (HANDLED_EVENTS as readonly string[]).includes(event);
}

/** The path the portal posts to; bound as `${PUBLIC_URL}${EVENTS_PATH}`. */
export const EVENTS_PATH = '/bitrix24/events';
