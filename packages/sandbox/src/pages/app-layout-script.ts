/**
 * The parent side of the frame protocol, after modules/rest/install/js/rest/applayout.js
 * (`BX.rest.AppLayout`), as BX24.js and b24jssdk (src/frame/message/controller.ts) talk to it:
 * - the frame posts `"command:JSON params:callback:APP_SID"` (or `{method, params, callback, appSid}`)
 *   to the portal's origin; the parent accepts it only from the handler's origin and for a known
 *   APP_SID, and answers `"callback:JSON result"` to the handler's origin;
 * - `getInitData` answers LANG, DOMAIN (location.host), PROTOCOL, PATH, AUTH_ID, AUTH_EXPIRES,
 *   REFRESH_ID, MEMBER_ID, FIRST_RUN, IS_ADMIN, INSTALL, USER_OPTIONS, APP_OPTIONS, PLACEMENT,
 *   PLACEMENT_OPTIONS;
 * - `refreshAuth` asks the portal (`action=access_refresh` at app.layout's lazyload.ajax.php) for a
 *   new token and answers AUTH_ID, AUTH_EXPIRES, REFRESH_ID;
 * - `setInstallFinish` posts `action=set_installed&v=Y|N`, then reloads the page with
 *   `install_finished=Y|N`;
 * - `setInstall`, `resizeWindow`, `setTitle`, `setScroll`, `reloadWindow`, `getInterface` as there.
 * The forms are submitted once the page is ready (AppLayout `init`).
 */
export const APP_LAYOUT_SCRIPT = `(function(){
var layouts={};var AJAX='/bitrix/components/bitrix/app.layout/lazyload.ajax.php';
function split(s){var r=s.split(':');return [r[0],r.slice(1,r.length-2).join(':'),r[r.length-2],r[r.length-1]];}
function sessid(){return window.BX&&BX.bitrix_sessid?BX.bitrix_sessid():'';}
function query(l,action,extra){var b=new URLSearchParams(Object.assign({action:action,'PARAMS[params][ID]':String(l.appId),'PARAMS[params][PLACEMENT]':l.placement},extra||{}));
return fetch(AJAX,{method:'POST',credentials:'same-origin',headers:{'content-type':'application/x-www-form-urlencoded','X-Bitrix-Csrf-Token':sessid()},body:b.toString()}).then(function(r){return r.json();});}
var api={
getInitData:function(l,p,cb){cb({LANG:(window.BX&&BX.message('LANGUAGE_ID'))||'en',DOMAIN:location.host,PROTOCOL:l.proto,PATH:'/rest',AUTH_ID:l.authId,AUTH_EXPIRES:l.authExpires,REFRESH_ID:l.refreshId,MEMBER_ID:l.memberId,FIRST_RUN:l.firstRun,IS_ADMIN:l.isAdmin,INSTALL:l.install,USER_OPTIONS:{},APP_OPTIONS:{},PLACEMENT:l.placement,PLACEMENT_OPTIONS:l.placementOptions});l.firstRun=false;},
refreshAuth:function(l,p,cb){query(l,'access_refresh').then(function(d){if(d&&d.access_token){l.authId=d.access_token;l.authExpires=d.expires_in;l.refreshId=d.refresh_token;cb({AUTH_ID:l.authId,AUTH_EXPIRES:l.authExpires,REFRESH_ID:l.refreshId});}});},
setInstall:function(l,p,cb){query(l,'set_install',{install:p&&p.install?'1':'0'}).then(function(){cb(p);});},
setInstallFinish:function(l,p,cb){var v=p&&p.value===false?'N':'Y';query(l,'set_installed',{v:v}).then(function(d){var u=new URL(location.href);u.searchParams.set('install_finished',d&&d.result==='true'?'Y':'N');location.href=u.href;});},
resizeWindow:function(l,p,cb){var f=document.getElementById('appframe_layout_'+l.sid);if(f&&p){if(p.width){f.style.width=p.width==='100%'?'100%':(parseInt(p.width)||100)+'px';}if(p.height){f.style.height=parseInt(p.height)+'px';}}var r=f?f.getBoundingClientRect():{width:0,height:0};cb({width:r.width,height:r.height});},
setTitle:function(l,p,cb){if(p&&p.title){document.title=String(p.title);}cb(p);},
setScroll:function(l,p,cb){if(p&&p.scroll>=0){window.scrollTo(window.scrollX,parseInt(p.scroll));}cb(p);},
reloadWindow:function(){location.reload();},
getInterface:function(l,p,cb){var c=[];for(var k in api){if(l.deny.indexOf(k)<0){c.push(k);}}cb({command:c,event:[]});}
};
window.SandboxAppLayout={set:function(p){layouts[p.sid]=p;},get:function(sid){return layouts[sid];}};
window.addEventListener('message',function(e){var m,args=[],cb='',sid='',d=e.data;
if(typeof d==='string'){var c=split(d);m=c[0];cb=c[2];sid=c[3];if(c[1]){try{args=JSON.parse(c[1]);}catch(x){return;}}}
else if(d&&typeof d==='object'){m=d.method;cb=d.callback;sid=d.appSid;args=d.params||[];}else{return;}
var l=layouts[sid];if(!l||e.origin!==l.appOrigin||!api[m]||l.deny.indexOf(m)>=0){return;}
var frame=document.getElementById('appframe_'+l.sid);
api[m](l,args,function(res){if(cb&&frame&&frame.contentWindow){frame.contentWindow.postMessage(cb+':'+(typeof res==='undefined'?'':JSON.stringify(res)),l.appOrigin);}});});
function init(){for(var sid in layouts){var f=document.forms['appform_'+sid];var l=layouts[sid];if(f&&!l.inited){l.inited=true;f.submit();}}}
if(document.readyState==='loading'){document.addEventListener('DOMContentLoaded',init);}else{init();}
})();`;
