/**
 * The site's one stylesheet, inlined in every page (no extra request, no framework). Colours are
 * CSS variables with a dark set under prefers-color-scheme; text colours keep at least 4.5:1
 * against their background in both schemes, and every colour has a text equivalent beside it.
 */
export const STYLE = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--card:#f6f8fa;--link:#0969da;
--ok:#1a7f37;--good:#4ac26b;--warn:#d4a72c;--bad:#cf222e;--none:#c8d1da;--maint:#8250df;--p50:#0969da;--p95:#bc4c00;
--b-ok:#dafbe1;--b-warn:#fff8c5;--b-bad:#ffebe9;--b-info:#ddf4ff}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--card:#151b23;--link:#4493f8;
--ok:#3fb950;--good:#2ea043;--warn:#d29922;--bad:#f85149;--none:#3d444d;--maint:#ab7df8;--p50:#4493f8;--p95:#f0883e;
--b-ok:#12261e;--b-warn:#272115;--b-bad:#25171c;--b-info:#121d2f}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
a{color:var(--link)}
header,main,footer{max-width:960px;margin:0 auto;padding:0 16px}
header{display:flex;flex-wrap:wrap;align-items:center;gap:8px 24px;padding-top:16px;padding-bottom:8px;border-bottom:1px solid var(--line)}
header .brand{display:flex;align-items:center;gap:8px;font-size:1.25rem;font-weight:600;color:var(--fg);text-decoration:none}
header img{height:32px;width:auto}
nav ul{display:flex;flex-wrap:wrap;gap:4px 16px;margin:0;padding:0;list-style:none}
h1{font-size:1.5rem;margin:24px 0 8px}h2{font-size:1.25rem;margin:32px 0 8px}h3{font-size:1rem;margin:0}
.banner{margin:16px 0;padding:16px;border-radius:8px;border:1px solid var(--line);font-size:1.2rem;font-weight:600}
.banner small{display:block;font-size:.875rem;font-weight:400;color:var(--fg)}
.o-operational{background:var(--b-ok);border-color:var(--ok)}.o-degraded{background:var(--b-warn);border-color:var(--warn)}
.o-partial,.o-major{background:var(--b-bad);border-color:var(--bad)}.o-offline,.o-nodata{background:var(--card)}
.stale{margin:16px 0;padding:12px 16px;border-radius:8px;border:2px solid var(--warn);background:var(--b-warn)}
.note{color:var(--muted);font-size:.875rem}
.svc{padding:12px 0;border-bottom:1px solid var(--line)}
.row{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:baseline;gap:4px 16px}
.st{white-space:nowrap;font-weight:600}.st::before{content:"";display:inline-block;width:.7em;height:.7em;border-radius:50%;margin-right:.4em;background:var(--none)}
.st-up::before{background:var(--ok)}.st-degraded::before{background:var(--warn)}.st-down::before{background:var(--bad)}.st-maintenance::before{background:var(--maint)}
.fig{margin:4px 0;font-size:.875rem;color:var(--muted)}.fig b{color:var(--fg);font-weight:600}
.reason{margin:2px 0;font-size:.875rem}
.strip{display:flex;gap:1px;height:32px;margin:6px 0 2px}
.strip i{flex:1;min-width:1px;border-radius:1px;background:var(--ok)}
.strip .g{background:var(--good)}.strip .w{background:var(--warn)}.strip .r{background:var(--bad)}.strip .n{background:var(--none)}.strip .m{background:var(--maint)}
.strip i:hover{opacity:.6}
.axis{display:flex;justify-content:space-between;margin:0;font-size:.75rem;color:var(--muted)}
.key{display:flex;flex-wrap:wrap;gap:4px 12px;padding:0;list-style:none;font-size:.8rem;color:var(--muted)}
.key i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px;background:var(--ok)}
.key .g{background:var(--good)}.key .w{background:var(--warn)}.key .r{background:var(--bad)}.key .n{background:var(--none)}.key .m{background:var(--maint)}
.group{margin:12px 0;padding:8px 12px;background:var(--card);border-radius:6px}
table{border-collapse:collapse;width:100%;font-size:.875rem}th,td{padding:6px 8px;border-bottom:1px solid var(--line);text-align:left}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.wrap{overflow-x:auto}
.inc{margin:12px 0;padding:12px 16px;border:1px solid var(--line);border-radius:8px}
.inc h3{font-size:1rem}
.sev{display:inline-block;padding:0 6px;border-radius:4px;border:1px solid var(--line);font-size:.8rem;font-weight:600}
.updates,.timeline{list-style:none;padding:0;margin:8px 0}
.updates li{padding:8px 0;border-top:1px solid var(--line)}
.phase{font-weight:700}
.upd-text{margin:4px 0 0;white-space:pre-wrap;overflow-wrap:anywhere}
.timeline li{padding:2px 0;font-size:.875rem}
time{font-variant-numeric:tabular-nums}
.chart{margin:0}.plot{overflow-x:auto}.plot svg{width:100%;min-width:540px;height:auto;display:block}
.chart .grid{stroke:var(--line);stroke-width:1}
.chart text{fill:var(--muted);font-size:12px}
.chart .l50{stroke:var(--p50);fill:none;stroke-width:2;stroke-dasharray:6 3}
.chart .l95{stroke:var(--p95);fill:none;stroke-width:2.5}
.legend{display:flex;flex-wrap:wrap;gap:4px 16px;padding:0;list-style:none;font-size:.875rem}.legend li{display:flex;align-items:center}
.legend svg{vertical-align:middle;margin-right:4px}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
footer{margin-top:40px;padding-top:12px;padding-bottom:24px;border-top:1px solid var(--line);font-size:.875rem;color:var(--muted)}
@media (max-width:600px){body{font-size:15px}.strip{height:28px}th,td{padding:4px}}
`.replace(/\n/g, "");
