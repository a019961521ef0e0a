import {
  HANDOFF_CODE_PATTERN,
  HANDOFF_READY,
  HANDOFF_REPLY,
  HANDOFF_REQUEST,
  type HandoffReplyMessage,
  type HandoffRequestMessage,
} from '@b24-gdpr/shared';
import type { Outcome } from '../messaging/protocol.ts';

const WAIT_MS = 30_000;
const RETRY_MS = 1_000;

/**
 * The portal page's side of the extension's sign-in through the app page (ARCHITECTURE.md). Runs in
 * the content script's isolated world: it posts the background's challenge into the app frame with
 * `targetOrigin` = the API's origin (only our frame can receive it) and a fresh MessageChannel port,
 * and reads the one-time code from that port alone. Page scripts never see the port, so they never
 * see the code; and the code is useless without the verifier, which stays in the background.
 */
export function runHandoff(data: {
  challenge: string;
  apiOrigin: string;
}): Promise<Outcome<{ code: string }>> {
  const message: HandoffRequestMessage = { tag: HANDOFF_REQUEST, challenge: data.challenge };
  return new Promise((resolve) => {
    let settled = false;
    const ports: MessagePort[] = [];
    const finish = (outcome: Outcome<{ code: string }>) => {
      if (settled) return;
      settled = true;
      clearInterval(retry);
      clearTimeout(timeout);
      window.removeEventListener('message', onReady);
      for (const port of ports) port.close();
      resolve(outcome);
    };
    const offer = (target: Window) => {
      const channel = new MessageChannel();
      ports.push(channel.port1);
      channel.port1.onmessage = (event: MessageEvent<HandoffReplyMessage>) => {
        const reply = event.data;
        if (reply?.tag !== HANDOFF_REPLY) return;
        if (reply.ok && HANDOFF_CODE_PATTERN.test(reply.code))
          finish({ ok: true, value: { code: reply.code } });
        else if (!reply.ok) finish({ ok: false, error: { kind: 'refused', message: reply.reason } });
      };
      // A frame of any other origin (the portal's own, an ad) never receives it.
      target.postMessage(message, data.apiOrigin, [channel.port2]);
    };
    const offerAll = () => {
      for (const frame of document.querySelectorAll('iframe')) {
        if (frame.contentWindow) offer(frame.contentWindow);
      }
    };
    // Our frame says when it listens; until then (or if that was missed) every frame is offered it.
    // The frame answers a challenge once, so the repeated offers cannot yield two codes.
    const onReady = (event: MessageEvent) => {
      if (event.origin !== data.apiOrigin || (event.data as { tag?: unknown } | null)?.tag !== HANDOFF_READY)
        return;
      if (event.source && 'postMessage' in event.source) offer(event.source as Window);
    };
    window.addEventListener('message', onReady);
    const retry = setInterval(offerAll, RETRY_MS);
    const timeout = setTimeout(
      () =>
        finish({
          ok: false,
          error: {
            kind: 'unknown',
            message: 'The b24-gdpr app page did not answer. Is the application installed?',
          },
        }),
      WAIT_MS,
    );
    offerAll();
  });
}
