/**
 * The inline stylesheet and script of the HTML report. Nothing is loaded from the network: the page
 * carries a Content-Security-Policy that allows only these two blocks (by hash) and no connections.
 */

export const REPORT_CSS = `
:root{--bg:#f6f7f9;--panel:#fff;--ink:#1b1f24;--muted:#5b6470;--line:#d9dee4;--soft:#eef1f4;
--leak:#b42318;--block:#c4320a;--mismatch:#a15c07;--distribution:#6941c6;--inconclusive:#0b6aa2;--undefined:#667085;
--pass:#067647;--diff-bg:#fde2e1;--diff-ink:#8a1c13;--code:#f2f4f7;--bar:#4e7fbf;--bad:#d1453b}
@media (prefers-color-scheme:dark){:root{--bg:#111418;--panel:#1a1e24;--ink:#e6e9ee;--muted:#9aa4b2;--line:#2e353e;
--soft:#222831;--leak:#ff6b5e;--block:#ff8a4c;--mismatch:#e0a93b;--distribution:#b29cf5;--inconclusive:#5bb3ea;
--undefined:#98a2b3;--pass:#47cd89;--diff-bg:#5a1f1b;--diff-ink:#ffd7d3;--code:#0d1014;--bar:#6f9fe0;--bad:#ff6b5e}}
*{box-sizing:border-box}
[hidden]{display:none!important}
html{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg)}
body{margin:0}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
a{color:inherit}
h1,h2,h3,h4{margin:0;line-height:1.25}
.wrap{max-width:1240px;margin:0 auto;padding:0 16px}
header.top{background:var(--panel);border-bottom:1px solid var(--line)}
header.top .wrap{display:flex;align-items:center;gap:16px;padding-top:12px;padding-bottom:12px}
.verdict{font-weight:700;font-size:20px;color:#fff;border-radius:6px;padding:8px 14px;letter-spacing:.04em}
.verdict.fail{background:var(--leak)}.verdict.pass{background:var(--pass)}
header h1{font-size:18px}
.meta{color:var(--muted);margin:2px 0 0;overflow-wrap:anywhere}
header nav{margin-left:auto;display:flex;gap:12px;white-space:nowrap}
header nav a{color:var(--muted);text-decoration:none}header nav a:hover{color:var(--ink);text-decoration:underline}
main{padding:16px 0 48px}
section{margin-top:20px;scroll-margin-top:8px}
.finding,#findings{scroll-margin-top:64px}
section>h2{font-size:16px;margin-bottom:10px;display:flex;align-items:baseline;gap:10px}
.headline{font-size:15px;margin:0 0 12px}
.banner{border:1px solid var(--block);color:var(--block);background:var(--panel);border-radius:6px;padding:8px 12px;margin-bottom:12px}
.cards{display:grid;grid-template-columns:repeat(4,minmax(0,1fr));gap:12px}
.card{all:unset;box-sizing:border-box;cursor:pointer;background:var(--panel);border:1px solid var(--line);border-left:5px solid var(--line);border-radius:6px;padding:10px 12px;min-width:0}
.card:focus-visible{outline:2px solid var(--inconclusive)}
.card:hover{border-color:var(--muted)}
.card.fail{border-left-color:var(--leak)}.card.pass{border-left-color:var(--pass)}
.card .row{display:flex;justify-content:space-between;align-items:baseline;gap:8px}
.card .name{font-weight:700;font-size:15px}
.card .st{font-weight:700;font-size:12px;text-transform:uppercase;letter-spacing:.05em}
.card.fail .st{color:var(--leak)}.card.pass .st{color:var(--pass)}.card.skip .st{color:var(--muted)}
.card .sub{color:var(--muted);font-size:12.5px;margin:2px 0 6px}
.chips{display:flex;flex-wrap:wrap;gap:4px}
.chip{display:inline-block;border-radius:10px;padding:1px 8px;font-size:12px;font-weight:600;border:1px solid currentColor;background:var(--panel)}
button.chip{cursor:pointer;font-family:inherit}
.k-leak{color:var(--leak)}.k-block{color:var(--block)}.k-mismatch{color:var(--mismatch)}
.k-distribution{color:var(--distribution)}.k-inconclusive{color:var(--inconclusive)}.k-undefined{color:var(--undefined)}
.muted{color:var(--muted);font-weight:400}
.filters{position:sticky;top:0;z-index:2;background:var(--bg);padding:8px 0;display:flex;flex-wrap:wrap;gap:8px;align-items:center;border-bottom:1px solid var(--line)}
.filters input,.filters select,.filters button,.copy{font:inherit;color:var(--ink);background:var(--panel);border:1px solid var(--line);border-radius:5px;padding:5px 8px}
.filters input{flex:1 1 260px;min-width:180px}
.filters button,.copy{cursor:pointer}.filters button:hover,.copy:hover{border-color:var(--muted)}
.legend{color:var(--muted);font-size:12.5px;margin:8px 0}.legend>div+div{margin-top:2px}.legend b{font-weight:600}
.legend code{border:1px solid var(--line);border-radius:3px;padding:0 4px;background:var(--panel);color:var(--ink)}
.legend .dd{background:var(--diff-bg);color:var(--diff-ink);border-radius:3px;padding:0 4px}
.finding{background:var(--panel);border:1px solid var(--line);border-left:5px solid var(--line);border-radius:6px;margin:8px 0}
.finding.f-leak{border-left-color:var(--leak)}.finding.f-block{border-left-color:var(--block)}
.finding.f-mismatch{border-left-color:var(--mismatch)}.finding.f-distribution{border-left-color:var(--distribution)}
.finding.f-inconclusive{border-left-color:var(--inconclusive)}.finding.f-undefined{border-left-color:var(--undefined)}
.fbody>div>div+div{margin-top:16px}
.finding>summary{cursor:pointer;list-style:none;padding:9px 12px;display:flex;gap:10px;align-items:baseline;color:var(--ink)}
.finding>summary::-webkit-details-marker{display:none}
.finding>summary::before{content:"▸";color:var(--muted);width:10px;flex:none}
.finding[open]>summary::before{content:"▾"}
.badge{flex:none;font-size:11px;font-weight:700;letter-spacing:.05em;color:#fff;border-radius:4px;padding:2px 6px;min-width:92px;text-align:center}
.badge.k-leak{background:var(--leak)}.badge.k-block{background:var(--block)}.badge.k-mismatch{background:var(--mismatch)}
.badge.k-distribution{background:var(--distribution)}.badge.k-inconclusive{background:var(--inconclusive)}.badge.k-undefined{background:var(--undefined)}
.rule{flex:none;font-weight:700}
.ftitle{flex:1;min-width:0;overflow-wrap:anywhere}
.tag{flex:none;color:var(--muted);font-size:12px;border:1px solid var(--line);border-radius:10px;padding:0 7px}
.fbody{border-top:1px solid var(--line);padding:12px;display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:14px 20px}
.fbody .full{grid-column:1/-1}
.fbody h4{font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);margin:0 0 6px}
.eo{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:8px}
.eo div{border:1px solid var(--line);border-radius:5px;padding:6px 9px;overflow-wrap:anywhere}
.eo .obs{background:var(--diff-bg);color:var(--diff-ink);border-color:transparent}
.eo .obs.neutral{background:var(--soft);color:var(--ink);border-color:var(--line)}
.eo b{display:block;font-size:11px;text-transform:uppercase;letter-spacing:.05em;opacity:.8}
.eo span{font-weight:600}
ol.why{margin:0;padding-left:20px}ol.why li{margin:2px 0;overflow-wrap:anywhere}
.kv{margin:8px 0 0;display:grid;grid-template-columns:auto minmax(0,1fr);gap:3px 10px}
.kv dt{color:var(--muted)}.kv dd{margin:0;overflow-wrap:anywhere}
.cmd{display:flex;gap:6px;align-items:flex-start;margin-top:6px}
pre{margin:0;background:var(--code);border:1px solid var(--line);border-radius:5px;padding:8px 10px;overflow:auto;white-space:pre}
.cmd pre{flex:1;white-space:pre-wrap;overflow-wrap:anywhere}
pre.yaml{max-height:340px}
.copy{flex:none;font-size:12px;padding:3px 8px}
.yhead{display:flex;justify-content:space-between;align-items:center;margin-bottom:6px}.yhead h4{margin:0}
.scroll{overflow-x:auto;max-width:100%}
.truth{margin-bottom:10px}
.truth-head{font-size:12.5px;color:var(--muted);margin-bottom:4px}
.matrices{display:flex;flex-wrap:wrap;gap:14px;overflow-x:auto}
table.matrix{border-collapse:collapse;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
table.matrix caption{text-align:left;font-weight:600;font-family:system-ui,sans-serif;padding-bottom:3px}
table.matrix th,table.matrix td{border:1px solid var(--line);text-align:center;min-width:24px;height:22px;padding:0 3px}
table.matrix th{font-weight:600;color:var(--muted);background:var(--soft)}
table.matrix th span{display:inline-block;max-width:90px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;vertical-align:bottom}
table.matrix td.d{background:var(--diff-bg);color:var(--diff-ink);font-weight:700;outline:2px solid var(--leak);outline-offset:-2px}
table.matrix td.none{background:var(--soft)}
table.matrix th.corner{font-weight:400;font-size:11px}
table.grid{border-collapse:collapse;width:100%}
table.grid th,table.grid td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
table.grid td.obj{white-space:nowrap}table.grid td.key{overflow-wrap:break-word;min-width:8em}
table.grid th{color:var(--muted);font-weight:600;font-size:12px}
table.grid tr.d td{background:var(--diff-bg);color:var(--diff-ink)}
table.grid tr.d td:first-child{box-shadow:inset 4px 0 0 var(--leak)}
.node{margin-bottom:14px}.node h4{font-size:14px;text-transform:none;letter-spacing:0;color:var(--ink);margin-bottom:4px}
figure.lb{margin:0 0 14px}figure.lb figcaption{margin-bottom:4px;overflow-wrap:anywhere}
svg.hist{max-width:100%;height:auto;display:block}
svg.hist .lbl,svg.hist .val{font:12px ui-monospace,Menlo,Consolas,monospace;fill:var(--ink)}
svg.hist .axis{font:11px system-ui,sans-serif;fill:var(--muted)}
svg.hist .track{fill:var(--soft)}svg.hist .bar{fill:var(--bar)}svg.hist .bar.bad{fill:var(--bad)}
svg.hist .exp{stroke:var(--ink);stroke-width:3}
.rej{color:var(--leak);font-weight:700}.acc{color:var(--pass);font-weight:700}
.panel{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:12px}
.two{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:12px}
.stack>.panel+.panel{margin-top:12px}
.panel>h3{font-size:15px;margin-bottom:10px}
.cols{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:12px 24px}
.empty{background:var(--panel);border:1px dashed var(--line);border-radius:6px;padding:16px;color:var(--muted)}
.cov>h3 .muted{font-size:12px}
.covrow{display:flex;align-items:center;gap:10px;margin:2px 0}
.covlbl{width:64px;color:var(--muted);font-size:12.5px}.covnum{font-size:12.5px}
.covrow meter{width:220px;height:12px}
table.covt{margin-top:8px}table.covt .n{text-align:right;white-space:nowrap;width:1%}
table.covt tr.never td{color:var(--leak)}
.covf{margin-top:8px}.covf>summary{cursor:pointer;color:var(--muted)}
footer{color:var(--muted);font-size:12px;padding:16px 0 32px}
@media (max-width:900px){.cards{grid-template-columns:repeat(2,minmax(0,1fr))}.fbody,.two{grid-template-columns:minmax(0,1fr)}}
`;

/** Filters (area, kind, namespace, text; state in the URL hash as `#?q=…&area=…`) and copy buttons. */
export const REPORT_JS = `
(function () {
  'use strict';
  var index = JSON.parse(document.getElementById('podnet-index').textContent);
  var q = document.getElementById('f-q'), area = document.getElementById('f-area');
  var kind = document.getElementById('f-kind'), ns = document.getElementById('f-ns');
  var count = document.getElementById('f-count'), none = document.getElementById('f-none');
  function pick(select, value) {
    for (var i = 0; i < select.options.length; i++) {
      if (select.options[i].value === value) { select.value = value; return; }
    }
    select.value = '';
  }
  function readHash() {
    if (location.hash.indexOf('#?') !== 0) return;
    var p = new URLSearchParams(location.hash.slice(2));
    q.value = p.get('q') || '';
    pick(area, p.get('area') || ''); pick(kind, p.get('kind') || ''); pick(ns, p.get('ns') || '');
  }
  function writeHash() {
    var p = new URLSearchParams();
    if (q.value) p.set('q', q.value);
    if (area.value) p.set('area', area.value);
    if (kind.value) p.set('kind', kind.value);
    if (ns.value) p.set('ns', ns.value);
    var s = p.toString();
    try { history.replaceState(null, '', s ? '#?' + s : location.pathname + location.search); } catch (e) { /* file:// may refuse */ }
  }
  function apply() {
    var terms = q.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var shown = 0;
    for (var i = 0; i < index.length; i++) {
      var e = index[i];
      var ok = (!area.value || e.area === area.value) && (!kind.value || e.kind === kind.value) &&
        (!ns.value || e.ns.indexOf(ns.value) >= 0) &&
        terms.every(function (t) { return e.text.indexOf(t) >= 0; });
      document.getElementById(e.el).hidden = !ok;
      if (ok) shown++;
    }
    count.textContent = shown === index.length ? 'all ' + index.length : shown + ' of ' + index.length;
    none.hidden = shown > 0 || index.length === 0;
  }
  function changed() { writeHash(); apply(); }
  q.addEventListener('input', changed);
  [area, kind, ns].forEach(function (s) { s.addEventListener('change', changed); });
  document.getElementById('f-clear').addEventListener('click', function () {
    q.value = ''; area.value = ''; kind.value = ''; ns.value = ''; changed();
  });
  document.addEventListener('click', function (ev) {
    var t = ev.target.closest('[data-area],[data-kind],[data-copy]');
    if (!t) return;
    if (t.hasAttribute('data-copy')) { copy(t); return; }
    if (t.hasAttribute('data-area')) pick(area, t.getAttribute('data-area'));
    if (t.hasAttribute('data-kind')) pick(kind, t.getAttribute('data-kind'));
    changed();
    document.getElementById('findings').scrollIntoView();
  });
  function copy(button) {
    var source = document.getElementById(button.getAttribute('data-copy'));
    var text = source ? source.textContent : '';
    function done(ok) {
      button.textContent = ok ? 'Copied' : 'Select and copy';
      setTimeout(function () { button.textContent = 'Copy'; }, 1500);
    }
    function fallback() {
      var range = document.createRange(); range.selectNodeContents(source);
      var sel = getSelection(); sel.removeAllRanges(); sel.addRange(range);
      var ok = false; try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      done(ok);
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, fallback);
    } else fallback();
  }
  window.addEventListener('hashchange', function () { readHash(); apply(); });
  readHash(); apply();
})();
`;
