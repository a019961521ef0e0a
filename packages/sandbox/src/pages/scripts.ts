/**
 * The pages' only JavaScript, inline and tiny. Both handlers are delegated on `document`, so they keep
 * working on content that arrived later (a slider navigation or a "more" page): scripts inside fetched
 * HTML are never run, as in Bitrix24's own AJAX loads.
 */

/** Values for an inline `<script>`: JSON with `<`, `>`, `&` and line separators escaped. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * Bitrix's `BX` global as core.js defines the parts content scripts read: `BX.message(object)` stores
 * phrases as properties of the function, `BX.message('KEY')` reads one ('' when missing),
 * `BX.bitrix_sessid()` is `BX.message('bitrix_sessid')`.
 */
export function bxBootstrap(messages: Record<string, string>): string {
  return `(function(){var BX=window.BX=window.BX||{};
BX.message=function(m){if(typeof m==='string'){return Object.prototype.hasOwnProperty.call(BX.message,m)?BX.message[m]:'';}
for(var k in m){if(Object.prototype.hasOwnProperty.call(m,k)){BX.message[k]=m[k];}}return true;};
BX.bitrix_sessid=function(){return BX.message('bitrix_sessid');};
BX.message(${jsonForScript(messages)});})();`;
}

/**
 * In-page navigation and Live Feed paging.
 * - `a[data-slider]`: fetch the page, swap `#workarea-content` for the fetched one, then
 *   `history.pushState` (content first, so a listener reacting to the URL sees the new DOM); back and
 *   forward do the same without pushing. Bitrix24 opens profiles and chats like this (its side panel),
 *   which is why the extension must follow `wxt:locationchange` rather than page loads.
 * - `#sonet_log_more_container a`: fetch the next page as a fragment (`logajax=Y`) and append its
 *   `.feed-item-wrap` items to `.feed-wrap`, replacing the "more" link with the fragment's own (or none).
 */
export const CLIENT_SCRIPT = `(function(){
function swap(url,push){return fetch(url,{credentials:'same-origin'}).then(function(r){return r.text();}).then(function(t){
var doc=new DOMParser().parseFromString(t,'text/html');var next=doc.getElementById('workarea-content');var cur=document.getElementById('workarea-content');
if(!next||!cur){location.href=url;return;}
document.title=doc.title;cur.replaceWith(document.importNode(next,true));if(push){history.pushState({slider:true},'',url);}
document.dispatchEvent(new CustomEvent('sandbox:navigated',{detail:{url:url}}));});}
function more(a){if(a.getAttribute('data-loading')){return;}a.setAttribute('data-loading','Y');
var url=new URL(a.href,location.href);url.searchParams.set('logajax','Y');
return fetch(url.href,{credentials:'same-origin'}).then(function(r){return r.text();}).then(function(t){
var tpl=document.createElement('template');tpl.innerHTML=t;var wrap=document.querySelector('#log_internal_container .feed-wrap');
tpl.content.querySelectorAll('.feed-item-wrap').forEach(function(item){wrap.appendChild(item);});
var box=document.getElementById('sonet_log_more_container');var nextBox=tpl.content.getElementById('sonet_log_more_container');
if(nextBox){box.replaceWith(nextBox);}else{box.remove();}});}
document.addEventListener('click',function(e){var t=e.target;if(!(t instanceof Element)||e.defaultPrevented||e.button!==0||e.metaKey||e.ctrlKey||e.shiftKey||e.altKey){return;}
var m=t.closest('#sonet_log_more_container a');if(m){e.preventDefault();more(m);return;}
var a=t.closest('a[data-slider]');if(!a){return;}var u=new URL(a.href,location.href);if(u.origin!==location.origin){return;}
e.preventDefault();swap(u.href,true);});
window.addEventListener('popstate',function(){swap(location.href,false);});})();`;
