import type { Hono } from 'hono';
import { formatSiteDateTime } from '../rest/format.ts';
import { canViewPost } from '../rest/methods/log.ts';
import { fullName } from '../rest/user-view.ts';
import type { SandboxRuntime } from '../runtime.ts';
import type { Post, User } from '../state/types.ts';
import { guestPage, handleLogout } from './auth.ts';
import { type PageContext, type PageCtx, type PageEnv, pageContext } from './context.ts';
import { html, type SafeHtml } from './html.ts';
import { layout, profileUrl } from './layout.ts';

/** Posts on the first screen and per "more" page, as Bitrix24's Live Feed loads them. */
export const FEED_PAGE_SIZE = 20;
/** Upper bound of `?count=` (benchmarks render hundreds of posts in one page). */
export const FEED_MAX_COUNT = 5_000;

/** Plain text with line breaks kept; everything escaped (post bodies are untrusted). */
export function textWithBreaks(text: string): SafeHtml {
  const lines = text.split(/\r?\n/);
  return html`${lines.map((line, i) => (i === 0 ? html`${line}` : html`<br>${line}`))}`;
}

/**
 * One post, with the markup of socialnetwork.blog.post/templates/.default/template.php (list mode):
 * `div.feed-item-wrap[data-livefeed-id]` > `div.feed-post-block#blg-post-{ID}` > … author
 * `a.feed-post-user-name#bp_{ID}[bx-post-author-id]`, text `div.feed-post-text-block#blog_post_outer_{ID}`
 * > … `div.feed-post-text-block-inner-inner#blog_post_body_{ID}` holding `a.feed-post-title` (titled
 * posts only, as MICRO posts have none) and `div.feed-post-text`.
 */
export function postItem(post: Post, author: User | undefined): SafeHtml {
  const id = post.id;
  const url = `/company/personal/user/${post.authorId}/blog/${id}/`;
  const title = post.micro
    ? ''
    : html`<div class="feed-post-item feed-post-item-title"><a class="feed-post-title" href="${url}" target="_top">${post.title}</a></div>`;
  return html`<div class="feed-item-wrap" data-livefeed-id="${post.logId}">
<div class="feed-post-block" id="blg-post-${id}" data-livefeed-id="${post.logId}" data-menu-id="blog-post-${id}"><a name="post${id}"></a>
<div class="feed-post-cont-wrap sonet-log-item-createdby-${post.authorId}" id="blg-post-img-${id}">
<div class="ui-icon ui-icon-common-user feed-user-avatar"><i></i></div>
<div class="feed-post-title-block"><a class="feed-post-user-name" id="bp_${id}" href="${profileUrl(post.authorId)}" data-slider bx-post-author-id="${post.authorId}" bx-post-author-gender="${author?.PERSONAL_GENDER ?? ''}" bx-tooltip-user-id="${post.authorId}">${author ? fullName(author) : ''}</a>
<div class="feed-post-time-wrap"><a href="${url}" target="_top"><div class="feed-time">${formatSiteDateTime(post.datePublish)}</div></a></div>
</div>
<div class="feed-post-text-block" id="blog_post_outer_${id}">
<div class="feed-post-contentview feed-post-text-block-inner" id="feed-post-contentview-BLOG_POST-${id}" bx-content-view-xml-id="BLOG_POST-${id}">
<div class="feed-post-text-block-inner-inner" id="blog_post_body_${id}">${title}<div class="feed-post-text">${textWithBreaks(post.text)}</div></div>
</div>
</div>
</div>
</div>
</div>
`;
}

/** Published posts the user may see, newest first (date, then id). */
function visiblePosts(ctx: PageContext, user: User): Post[] {
  return [...ctx.portal.state.posts.values()]
    .filter((p) => p.publishStatus === 'P' && canViewPost(p, user))
    .sort((a, b) => b.datePublish.localeCompare(a.datePublish) || b.id - a.id);
}

function intParam(value: string | undefined, fallback: number, max: number): number {
  const n = value !== undefined && /^\d+$/.test(value) ? Number(value) : fallback;
  return Math.min(Math.max(n, 1), max);
}

/** One page of items, and the "more" link to the next page (empty on the last page). */
function feedPage(c: PageCtx, ctx: PageContext, user: User): { items: SafeHtml; more: SafeHtml | '' } {
  const page = intParam(c.req.query('PAGEN_1'), 1, Number.MAX_SAFE_INTEGER);
  const count = intParam(c.req.query('count'), FEED_PAGE_SIZE, FEED_MAX_COUNT);
  const posts = visiblePosts(ctx, user);
  const slice = posts.slice((page - 1) * count, page * count);
  const next = new URLSearchParams({ PAGEN_1: String(page + 1) });
  if (count !== FEED_PAGE_SIZE) next.set('count', String(count));
  const more =
    page * count < posts.length
      ? html`<div class="feed-new-message-inf-wrap-first" id="sonet_log_more_container"><a class="feed-new-message-inf-text" href="/stream/?${next}" data-next-page="${page + 1}">More</a></div>`
      : '';
  return { items: html`${slice.map((p) => postItem(p, ctx.portal.state.user(p.authorId)))}`, more };
}

function liveFeed(c: PageCtx, portal: SandboxRuntime): Response {
  const ctx = pageContext(c, portal);
  if (c.req.query('logout') === 'yes') return handleLogout(c, ctx);
  if (!ctx.user) return guestPage(c, ctx);
  const { items, more } = feedPage(c, ctx, ctx.user);
  // `logajax=Y`: just the items and the next "more" link, for the page's loader to append.
  if (c.req.query('logajax') === 'Y') return c.html(html`${items}${more}`.value);
  // The "more" link follows .feed-wrap, so appended items land above it.
  const content = html`<div class="log-internal-container" id="log_internal_container"><div class="feed-wrap">
${items}</div>
${more}</div>`;
  return c.html(layout(ctx, { title: 'Feed', content, bodyClass: 'page-livefeed' }));
}

export function registerLiveFeed(app: Hono<PageEnv>, portal: SandboxRuntime): void {
  app.get('/stream', (c) => liveFeed(c, portal));
  app.get('/', (c) => liveFeed(c, portal));
}
