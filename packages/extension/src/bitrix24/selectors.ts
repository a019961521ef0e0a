/**
 * Every Bitrix24 selector and URL shape the extension reads, in one place: the markup is internal
 * and changes between Bitrix24 versions, so when it does only this file (and its fixtures) changes.
 * Sources: BITRIX24.md "Pages"; socialnetwork.blog.post/templates/.default/template.php (Live Feed),
 * modules/im/install/js/im/v2/component/message/ (messenger), intranet.user.profile (profile),
 * main/admin/user_admin.php (admin user list).
 */

export const urls = {
  /** `/company/personal/user/{ID}/`; the id is group 1. */
  profilePath: /^\/company\/personal\/user\/(\d+)\/?$/,
  /** Live Feed: `/stream/` or the site root. */
  liveFeedPaths: ['/', '/stream', '/stream/'] as readonly string[],
  /** Messenger: `/online/?IM_DIALOG={dialogId}`. */
  messengerPath: /^\/online\/?$/,
  messengerDialogParam: 'IM_DIALOG',
  /** The admin user list; its "Authorize" links carry `action=authorize&ID={userId}`. */
  userAdminPath: '/bitrix/admin/user_admin.php',
  /** Bitrix's logout link (`/?logout=yes&sessid=…`). */
  logoutPath: '/',
} as const;

export const liveFeed = {
  /** One post: `div.feed-post-block#blg-post-{POST_ID}`. */
  post: 'div.feed-post-block[id^="blg-post-"]',
  postIdPrefix: 'blg-post-',
  /** The wrapper holding the Live Feed log id. */
  itemWrap: 'div.feed-item-wrap[data-livefeed-id]',
  authorLink: 'a.feed-post-user-name[bx-post-author-id]',
  authorIdAttribute: 'bx-post-author-id',
  title: '.feed-post-title',
  /** The title's block, printed inside the body by Bitrix's template. */
  titleItem: '.feed-post-item-title',
  /** `#blog_post_body_{ID}`; the body text is its `.feed-post-text` where the template has one. */
  bodyIdPrefix: 'blog_post_body_',
  outerIdPrefix: 'blog_post_outer_',
  bodyText: '.feed-post-text',
  /** Where a badge goes: the author line. */
  badgeAnchor: '.feed-post-title-block',
} as const;

export const messenger = {
  /** One message of the new (im v2) messenger. */
  message: 'div.bx-im-message-base__wrap[data-id]',
  text: '.bx-im-message-base__text',
  editMark: '.bx-im-message-status__edit-mark',
  /** Where a badge goes: next to the status (time, edited mark). */
  badgeAnchor: '.bx-im-message-status__container',
} as const;

export const profile = {
  /** intranet.user.profile's wrapper; `intranet-user-profile-fired` marks a dismissed employee. */
  wrap: '#intranet-user-profile-wrap',
  firedClass: 'intranet-user-profile-fired',
  firedRank: '.intranet-user-profile-rank-fired',
  name: '#intranet-user-profile-name',
  /** The left column: the "Personal data" panel is mounted at its end. */
  panelAnchor: '#intranet-user-profile-wrap .intranet-user-profile-column-left',
} as const;

export const userAdmin = {
  /** Row action links that may be "Authorize" (checked by their URL, not their text or class). */
  actionLink: 'a[href*="action=authorize"]',
  authorizeAction: 'authorize',
} as const;
