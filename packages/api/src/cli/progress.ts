import { SingleBar } from 'cli-progress';
import type { AppServices } from '../app-services.ts';
import { DataSubjectRequest, FINISHED_STATUSES } from '../modules/dsr/data-subject-request.entity.ts';

const FINAL = new Set<string>(FINISHED_STATUSES);

/**
 * Runs a request in this process (or waits while another process runs it), drawing a progress bar on a
 * terminal and plain lines elsewhere. Bounded: gives up after `maxMinutes`.
 */
export async function runWithProgress(
  services: AppServices,
  requestId: string,
  maxMinutes = 120,
): Promise<DataSubjectRequest> {
  const bar = process.stderr.isTTY
    ? new SingleBar({ format: ' {step} [{bar}] {value}/{total}', hideCursor: true })
    : null;
  let lastLine = '';
  const show = (r: DataSubjectRequest) => {
    const total = r.progress.total ?? 0;
    if (bar) {
      if (!bar.isActive) bar.start(Math.max(total, 1), r.progress.done, { step: r.progress.step });
      bar.setTotal(Math.max(total, r.progress.done, 1));
      bar.update(r.progress.done, { step: r.progress.step });
    } else {
      const line = `${r.status.toLowerCase()}: ${r.progress.step} ${r.progress.done}${total ? `/${total}` : ''}`;
      if (line !== lastLine) process.stderr.write(`${line}\n`);
      lastLine = line;
    }
  };
  const read = () => services.orm.em.fork().findOneOrFail(DataSubjectRequest, requestId);
  const timer = setInterval(
    () =>
      void read()
        .then(show)
        .catch(() => {}),
    300,
  );
  const deadline = Date.now() + maxMinutes * 60_000;
  try {
    while (Date.now() < deadline) {
      const outcome = await services.runner.run(requestId);
      const request = await read();
      if (FINAL.has(request.status)) {
        show(request);
        return request;
      }
      // Another process holds it, or a transient failure: wait, then try again.
      await new Promise((r) => setTimeout(r, outcome === 'busy' ? 1_000 : 5_000));
    }
    throw new Error(`request ${requestId} did not finish within ${maxMinutes} minutes`);
  } finally {
    clearInterval(timer);
    bar?.stop();
  }
}
