import {
  type AppPageBoot,
  HANDOFF_CHALLENGE_PATTERN,
  HANDOFF_CODE_PATTERN,
  HANDOFF_READY,
  HANDOFF_REPLY,
  HANDOFF_REQUEST,
  type HandoffReplyMessage,
} from '@b24-gdpr/shared';

/** The app frame's side of the extension's sign-in (ARCHITECTURE.md, "Sign-in through the app page"). */
export type HandoffState = 'idle' | 'working' | 'done' | 'failed';

/** Where the frame asks for a one-time code bound to a challenge, with its frame session. */
export const HANDOFF_PATH = '/bitrix24/app/handoff';

/**
 * Answers a handoff request from the portal page we are framed in: the challenge goes to the API
 * with this frame's session, and the one-time code comes back on the port the request carried, never
 * on `window`, so no other script of the portal page sees it. The API gives a code only for a
 * challenge the extension registered itself (from its own origin), and the code is worth nothing
 * without the verifier, which never leaves the extension's background.
 */
export function listenForHandoff(boot: AppPageBoot, onState: (state: HandoffState) => void): () => void {
  // Content scripts offer a challenge to every frame until one answers: each is answered once.
  const seen = new Set<string>();
  const listener = (event: MessageEvent) => {
    if (event.origin !== boot.portalOrigin || event.source !== window.parent) return;
    const data = event.data as { tag?: unknown; challenge?: unknown } | null;
    if (data?.tag !== HANDOFF_REQUEST) return;
    const port = event.ports[0];
    if (!port) return;
    const reply = (message: HandoffReplyMessage) => {
      port.postMessage(message);
      port.close();
    };
    if (typeof data.challenge !== 'string' || !HANDOFF_CHALLENGE_PATTERN.test(data.challenge))
      return reply({ tag: HANDOFF_REPLY, ok: false, reason: 'The challenge is malformed.' });
    if (seen.has(data.challenge)) return port.close();
    seen.add(data.challenge);
    onState('working');
    void requestCode(boot.handoffTicket, data.challenge).then((answer) => {
      reply(answer);
      onState(answer.ok ? 'done' : 'failed');
    });
  };
  window.addEventListener('message', listener);
  // Nothing secret: it only tells a content script that already waits that the frame now listens.
  if (window.parent !== window) window.parent.postMessage({ tag: HANDOFF_READY }, boot.portalOrigin);
  return () => window.removeEventListener('message', listener);
}

async function requestCode(ticket: string, challenge: string): Promise<HandoffReplyMessage> {
  try {
    const response = await fetch(HANDOFF_PATH, {
      method: 'POST',
      headers: { authorization: `Bearer ${ticket}`, 'content-type': 'application/json' },
      body: JSON.stringify({ challenge }),
    });
    const body = (await response.json().catch(() => null)) as { code?: unknown; error?: unknown } | null;
    if (response.ok && typeof body?.code === 'string' && HANDOFF_CODE_PATTERN.test(body.code))
      return { tag: HANDOFF_REPLY, ok: true, code: body.code };
    const reason = typeof body?.error === 'string' ? body.error : `The API answered ${response.status}.`;
    return { tag: HANDOFF_REPLY, ok: false, reason };
  } catch {
    return { tag: HANDOFF_REPLY, ok: false, reason: 'The API cannot be reached.' };
  }
}
