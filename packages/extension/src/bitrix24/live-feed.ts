import { liveFeed } from './selectors.ts';
import { visibleText } from './visible-text.ts';

/** One Live Feed post as the page shows it. */
export interface FeedPost {
  /** The blog post id (`blg-post-{ID}`), as the API's POST content refs use it. */
  id: string;
  authorId: number | null;
  /** Null for posts without a title (MICRO posts). */
  title: string | null;
  text: string;
  element: Element;
}

/** Every post under `root` (the document, or nodes a MutationObserver saw arrive). */
export function readPosts(root: ParentNode): FeedPost[] {
  const posts: FeedPost[] = [];
  const elements = [
    ...(isElement(root) && root.matches(liveFeed.post) ? [root] : []),
    ...root.querySelectorAll(liveFeed.post),
  ];
  for (const element of elements) {
    const post = readPost(element);
    if (post) posts.push(post);
  }
  return posts;
}

/** A post element's data, or null when its id is not `blg-post-{digits}`. */
export function readPost(element: Element): FeedPost | null {
  const id = element.id.slice(liveFeed.postIdPrefix.length);
  if (!element.id.startsWith(liveFeed.postIdPrefix) || !/^\d+$/.test(id)) return null;
  const author = element.querySelector(liveFeed.authorLink)?.getAttribute(liveFeed.authorIdAttribute);
  const titleElement = element.querySelector(liveFeed.title);
  const body =
    element.querySelector(`#${liveFeed.bodyIdPrefix}${id}`) ??
    element.querySelector(`#${liveFeed.outerIdPrefix}${id}`);
  // The sandbox wraps the body in `.feed-post-text`; Bitrix's template prints it straight into
  // `#blog_post_body_{ID}` after the title block.
  const wrapped = body?.querySelector(liveFeed.bodyText);
  return {
    id,
    authorId: author && /^\d+$/.test(author) ? Number(author) : null,
    title: titleElement ? visibleText(titleElement) : null,
    text: wrapped ? visibleText(wrapped) : body ? visibleText(body, liveFeed.titleItem) : '',
    element,
  };
}

const isElement = (node: ParentNode): node is Element => (node as Node).nodeType === 1;
