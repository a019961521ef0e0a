import { useEffect, useState } from 'preact/hooks';

/** The hash, kept in state so a link from a content script or a tab click re-renders the page. */
export function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const update = () => setHash(location.hash);
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return hash;
}
