/** A request's progress: a bar when the total is known, the step name always. */
export function Progress({ progress }: { progress: { step: string; done: number; total: number | null } }) {
  return (
    <span class="progress">
      {progress.total ? <progress value={progress.done} max={progress.total} /> : null}
      <small>{progress.total ? `${progress.step} ${progress.done}/${progress.total}` : progress.step}</small>
    </span>
  );
}
