import type { Comment, Post, User } from '../../state/types.ts';
import { formatDateTime } from '../envelope.ts';
import { methodError } from '../errors.ts';
import { formatSiteDateTime } from '../format.ts';
import { type ParamValue, toIntList } from '../params.ts';
import { type MethodContext, type MethodDef, ok } from '../registry.ts';

/**
 * Live Feed (api-reference/log/*). Errors come back with an empty `error` and a text, as
 * log.blogcomment.add documents ("No post found", "No permissions", "Duplicate comment").
 */
const noPost = () => methodError('', 'No post found');
const noPermissions = () => methodError('', 'No permissions');

/** A post is visible to its author, to all (`UA`), to named users (`U{id}`) and departments (`DR{id}`). */
export function canViewPost(post: Post, user: User): boolean {
  if (post.authorId === user.ID) return true;
  return post.dest.some(
    (d) =>
      d === 'UA' ||
      d === `U${user.ID}` ||
      (d.startsWith('DR') && user.UF_DEPARTMENT.includes(Number(d.slice(2)))) ||
      (d.startsWith('D') && !d.startsWith('DR') && user.UF_DEPARTMENT.includes(Number(d.slice(1)))),
  );
}

function destOf(v: ParamValue | undefined): string[] | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const list = Array.isArray(v) ? v : typeof v === 'object' ? Object.values(v) : [v];
  const dest = list.map((x) => String(x)).filter((x) => x !== '');
  return dest.length > 0 ? dest : undefined;
}

/** Fields as the log.blogpost.get example shows them: ids and counts as strings, Y/N flags. */
function postView(ctx: MethodContext, p: Post): Record<string, unknown> {
  let comments = 0;
  for (const c of ctx.portal.state.comments.values()) if (c.postId === p.id) comments++;
  return {
    ID: String(p.id),
    BLOG_ID: String(p.blogId),
    PUBLISH_STATUS: p.publishStatus,
    TITLE: p.title,
    AUTHOR_ID: String(p.authorId),
    ENABLE_COMMENTS: p.enableComments ? 'Y' : 'N',
    NUM_COMMENTS: String(comments),
    CODE: null,
    MICRO: p.micro ? 'Y' : 'N',
    DETAIL_TEXT: p.text,
    DATE_PUBLISH: formatSiteDateTime(p.datePublish),
    CATEGORY_ID: p.categoryIds.join(','),
    HAS_SOCNET_ALL: p.dest.includes('UA') ? 'Y' : 'N',
    HAS_TAGS: 'N',
    HAS_IMAGES: 'N',
    HAS_PROPS: p.files.length > 0 ? 'Y' : 'N',
    HAS_COMMENT_IMAGES: null,
    UF_BLOG_POST_FILE: p.files.length > 0 ? [...p.files] : false,
    FILES: [...p.files],
  };
}

function visiblePost(ctx: MethodContext): Post {
  const id = ctx.params.int('POST_ID');
  const post = id === undefined ? undefined : ctx.portal.state.posts.get(id);
  if (!post || !canViewPost(post, ctx.caller)) throw noPost();
  return post;
}

function dateParam(ctx: MethodContext, name: string): number | undefined {
  const v = ctx.params.str(name);
  if (!v) return undefined;
  const dmY = v.match(/^(\d{2})\.(\d{2})\.(\d{4})(?:\s+(\d{2}):(\d{2})(?::(\d{2}))?)?/);
  const t = dmY
    ? Date.parse(`${dmY[3]}-${dmY[2]}-${dmY[1]}T${dmY[4] ?? '00'}:${dmY[5] ?? '00'}:${dmY[6] ?? '00'}Z`)
    : Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

export const logMethods: MethodDef[] = [
  {
    // POST_ID and LOG_RIGHTS are documented; LOG_DATE_FROM/TO, FIRST_ID/LAST_ID (id above / below),
    // LIMIT (page size, at most 200) and start follow BITRIX24.md (*unconfirmed* by the docs page).
    name: 'log.blogpost.get',
    handler: (ctx) => {
      const { params, portal, caller } = ctx;
      const postId = params.int('POST_ID');
      const rights = destOf(params.get('LOG_RIGHTS'));
      const from = dateParam(ctx, 'LOG_DATE_FROM');
      const to = dateParam(ctx, 'LOG_DATE_TO');
      const firstId = params.int('FIRST_ID');
      const lastId = params.int('LAST_ID');
      const posts = [...portal.state.posts.values()]
        .filter((p) => canViewPost(p, caller))
        .filter((p) => postId === undefined || p.id === postId)
        .filter((p) => !rights || p.dest.some((d) => rights.includes(d)))
        .filter((p) => from === undefined || Date.parse(p.datePublish) >= from)
        .filter((p) => to === undefined || Date.parse(p.datePublish) <= to)
        .filter((p) => firstId === undefined || p.id > firstId)
        .filter((p) => lastId === undefined || p.id < lastId)
        .sort((a, b) => b.id - a.id);
      const size = Math.min(Math.max(params.int('LIMIT') ?? 50, 1), 200);
      const start = Math.max(params.int('start') ?? 0, 0);
      const page = posts.slice(start, start + size).map((p) => postView(ctx, p));
      return {
        result: page,
        total: posts.length,
        next: start + size < posts.length ? start + size : undefined,
      };
    },
  },
  {
    // Returns the new post's id (*unconfirmed*: the docs' old example shows `true`).
    name: 'log.blogpost.add',
    handler: (ctx) => {
      const { params, portal, caller } = ctx;
      const text = params.str('POST_MESSAGE') ?? '';
      if (text.trim() === '') throw methodError('', 'No message specified');
      const title = params.str('POST_TITLE') ?? '';
      const authorId = params.int('USER_ID') ?? caller.ID;
      if (authorId !== caller.ID && !caller.isAdmin) throw noPermissions();
      const post = portal.build.post(authorId, text, {
        title,
        micro: title === '',
        dest: destOf(params.get('DEST')) ?? destOf(params.get('SPERM')) ?? ['UA'],
        files: toIntList(params.get('FILES')),
      });
      portal.events.emit('ONLIVEFEEDPOSTADD', { FIELDS: { POST_ID: post.id } }, caller.ID);
      return ok(post.id);
    },
  },
  {
    // The author or an administrator (BITRIX24.md). Returns the post id (*unconfirmed*).
    name: 'log.blogpost.update',
    handler: (ctx) => {
      const post = visiblePost(ctx);
      if (post.authorId !== ctx.caller.ID && !ctx.caller.isAdmin) throw noPermissions();
      const text = ctx.params.str('POST_MESSAGE');
      const title = ctx.params.str('POST_TITLE');
      const dest = destOf(ctx.params.get('DEST'));
      if (text !== undefined) post.text = text;
      if (title !== undefined) {
        post.title = title;
        post.micro = title === '';
      }
      if (dest) post.dest = dest;
      ctx.portal.events.emit('ONLIVEFEEDPOSTUPDATE', { FIELDS: { POST_ID: post.id } }, ctx.caller.ID);
      return ok(post.id);
    },
  },
  {
    name: 'log.blogpost.delete',
    handler: (ctx) => {
      const post = visiblePost(ctx);
      if (post.authorId !== ctx.caller.ID && !ctx.caller.isAdmin) throw noPermissions();
      const s = ctx.portal.state;
      s.posts.delete(post.id);
      for (const c of [...s.comments.values()]) if (c.postId === post.id) s.comments.delete(c.id);
      ctx.portal.events.emit('ONLIVEFEEDPOSTDELETE', { FIELDS: { POST_ID: post.id } }, ctx.caller.ID);
      return ok(true);
    },
  },
  {
    // api-reference/log/blogcomment/log-blogcomment-add.md
    name: 'log.blogcomment.add',
    handler: (ctx) => {
      const post = visiblePost(ctx);
      const text = ctx.params.str('TEXT') ?? '';
      if (text.trim() === '') throw methodError('', 'No comment text');
      const authorId = ctx.params.int('USER_ID') ?? ctx.caller.ID;
      if ((authorId !== ctx.caller.ID && !ctx.caller.isAdmin) || !post.enableComments) throw noPermissions();
      for (const c of ctx.portal.state.comments.values()) {
        if (c.postId === post.id && c.authorId === authorId && c.text === text)
          throw methodError('', 'Duplicate comment');
      }
      return ok(ctx.portal.build.comment(post.id, authorId, text).id);
    },
  },
  {
    // The comment's author or an administrator (*unconfirmed*: the docs page gives no rule).
    name: 'log.blogcomment.delete',
    handler: (ctx) => {
      const id = ctx.params.int('COMMENT_ID');
      const c = id === undefined ? undefined : ctx.portal.state.comments.get(id);
      if (!c) throw methodError('', 'No comment found');
      // USER_ID: "the user performing the deletion. Available only to administrators"
      // (api-reference/log/blogcomment/log-blogcomment-delete.md): an administrator deletes as that user,
      // anyone else's USER_ID is ignored; then the author or someone with full write access may.
      const asUser = ctx.params.int('USER_ID');
      const actor =
        asUser !== undefined && asUser > 0 && ctx.caller.isAdmin ? ctx.portal.state.user(asUser) : ctx.caller;
      if (!actor || (c.authorId !== actor.ID && !actor.isAdmin)) throw noPermissions();
      ctx.portal.state.comments.delete(c.id);
      return ok(true);
    },
  },
  {
    // api-reference/log/blogcomment/log-blogcomment-user-get.md. Another user's comments only for
    // administrators (a non-admin gets their own); `text` is '' where the caller cannot see the post.
    name: 'log.blogcomment.user.get',
    handler: (ctx) => {
      const { params, portal, caller } = ctx;
      const requested = params.int('USER_ID');
      const userId =
        requested !== undefined && requested > 0 && caller.isAdmin && portal.state.user(requested)
          ? requested
          : caller.ID;
      const firstId = params.int('FIRST_ID');
      const lastId = params.int('LAST_ID');
      const limit = Math.min(Math.max(params.int('LIMIT') ?? 100, 1), 100);
      const comments: Comment[] = [...portal.state.comments.values()]
        .filter((c) => c.authorId === userId)
        .filter((c) => firstId === undefined || c.id > firstId)
        .filter((c) => lastId === undefined || c.id < lastId)
        .sort((a, b) => a.id - b.id)
        .slice(0, limit);
      return ok({
        comments: comments.map((c) => {
          const post = portal.state.posts.get(c.postId);
          const visible = post !== undefined && canViewPost(post, caller);
          return {
            id: c.id,
            comment_id: c.id,
            log_id: c.logId,
            date: formatDateTime(c.date),
            text: visible ? c.text : '',
            attach: [...c.files],
          };
        }),
        files: [],
      });
    },
  },
];
