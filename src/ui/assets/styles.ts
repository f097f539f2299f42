/**
 * The newsroom's stylesheet, served as /ui/assets/ui.css. Kept in a module (not a .css file) so
 * it ships inside dist/ with the code. Logical properties (inline-start/end) keep the layout
 * right-to-left without mirrored rules.
 */
export const FONT_FILES = {
  arabic400: 'noto-naskh-arabic-arabic-400-normal.woff2',
  arabic700: 'noto-naskh-arabic-arabic-700-normal.woff2',
  latin400: 'noto-naskh-arabic-latin-400-normal.woff2',
  latin700: 'noto-naskh-arabic-latin-700-normal.woff2',
} as const;

const ARABIC_RANGE = 'U+0600-06FF,U+0750-077F,U+0870-088E,U+0890-0891,U+0897-08E1,U+08E3-08FF,U+200C-200E,U+2010-2011,U+204F,U+2E41,U+FB50-FDFF,U+FE70-FE74,U+FE76-FEFC';
const LATIN_RANGE = 'U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+0304,U+0308,U+0329,U+2000-206F,U+20AC,U+2122,U+2191,U+2193,U+2212,U+2215,U+FEFF,U+FFFD';

const fontFace = (file: string, weight: number, range: string) => `@font-face {
  font-family: 'Noto Naskh Arabic';
  font-style: normal;
  font-display: swap;
  font-weight: ${weight};
  src: url(/ui/assets/fonts/${file}) format('woff2');
  unicode-range: ${range};
}`;

/** The tab icon: و in the site's colours (an SVG, so no binary asset to ship). */
export const ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="#0b5f5a"/><text x="32" y="46" text-anchor="middle" font-family="Noto Naskh Arabic, serif" font-size="40" font-weight="700" fill="#fff">و</text></svg>`;

export const CSS = `${fontFace(FONT_FILES.arabic400, 400, ARABIC_RANGE)}
${fontFace(FONT_FILES.arabic700, 700, ARABIC_RANGE)}
${fontFace(FONT_FILES.latin400, 400, LATIN_RANGE)}
${fontFace(FONT_FILES.latin700, 700, LATIN_RANGE)}

:root {
  --paper: #faf8f3;
  --card: #ffffff;
  --ink: #1c1b19;
  --muted: #5b5850;
  --line: #e3ded2;
  --accent: #0b5f5a;
  --accent-ink: #ffffff;
  --accent-soft: #e2f1ef;
  --danger: #a3271d;
  --danger-soft: #fbe9e7;
  --ok: #1d6b2f;
  --ok-soft: #e5f4e8;
  --place: #fde9a8;
  --person: #cfe3fb;
  --organisation: #cdeed9;
  --topic: #f1d7f7;
  --event: #fbd6cf;
  --untyped: #e8e6e1;
  --radius: 0.6rem;
  --font: 'Noto Naskh Arabic', 'Noto Sans Arabic', 'Segoe UI', Tahoma, 'DejaVu Sans', sans-serif;
  color-scheme: light;
}

*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0;
  background: var(--paper);
  color: var(--ink);
  font-family: var(--font);
  font-size: 1.0625rem;
  line-height: 1.75;
  overflow-wrap: anywhere;
}
a { color: var(--accent); text-underline-offset: 0.2em; }
a:hover { text-decoration-thickness: 2px; }
:focus-visible { outline: 3px solid #e08a00; outline-offset: 2px; border-radius: 3px; }
h1, h2, h3 { line-height: 1.45; margin: 0 0 0.5rem; }
h1 { font-size: 1.75rem; }
h2 { font-size: 1.25rem; }
h3 { font-size: 1.05rem; }
p { margin: 0 0 0.9rem; }
code, .ltr { direction: ltr; unicode-bidi: isolate; font-family: ui-monospace, 'DejaVu Sans Mono', monospace; font-size: 0.85em; }
.muted { color: var(--muted); }
.small { font-size: 0.9rem; }
/* On wide screens the tags sit beside the text: the link to them only shows for keyboard users. */
@media (min-width: 60rem) { .to-tags:not(:focus-within) { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); } }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }

.skip { position: absolute; inset-inline-start: 0.5rem; top: -3rem; background: var(--accent); color: var(--accent-ink); padding: 0.4rem 0.8rem; border-radius: var(--radius); z-index: 20; }
.skip:focus { top: 0.5rem; }

.site-header { background: var(--accent); color: var(--accent-ink); }
.site-header .bar { max-width: 72rem; margin: 0 auto; padding: 0.5rem 1rem; display: flex; flex-wrap: wrap; align-items: center; gap: 0.25rem 1.25rem; }
.brand { color: inherit; text-decoration: none; display: flex; align-items: baseline; gap: 0.5rem; }
.brand strong { font-size: 1.5rem; }
.brand span { font-size: 0.85rem; opacity: 0.85; }
.site-header nav { flex: 1 1 auto; }
.site-header nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.15rem 0.35rem; }
.site-header nav a { color: inherit; text-decoration: none; padding: 0.25rem 0.65rem; border-radius: 999px; display: inline-block; }
.site-header nav a:hover { background: rgba(255,255,255,0.14); }
.site-header nav a[aria-current="page"] { background: rgba(255,255,255,0.22); font-weight: 700; }
.site-header :focus-visible { outline-color: #ffd27a; }
.who { display: flex; align-items: center; gap: 0.5rem; font-size: 0.9rem; }
.who form { margin: 0; }
.who a, .who button { color: inherit; }
.who button { background: transparent; border: 1px solid rgba(255,255,255,0.6); color: inherit; border-radius: 999px; padding: 0.1rem 0.7rem; font: inherit; cursor: pointer; }

main { max-width: 72rem; margin: 0 auto; padding: 1.25rem 1rem 3rem; }
.site-footer { max-width: 72rem; margin: 0 auto; padding: 1rem; color: var(--muted); font-size: 0.85rem; border-top: 1px solid var(--line); }

.card { background: var(--card); border: 1px solid var(--line); border-radius: var(--radius); padding: 1rem 1.1rem; margin-bottom: 1rem; }
.flash { border-radius: var(--radius); padding: 0.6rem 0.9rem; margin-bottom: 1rem; border: 1px solid; }
.flash.ok { background: var(--ok-soft); border-color: #a8d5b2; color: var(--ok); }
.flash.error { background: var(--danger-soft); border-color: #efb8b1; color: var(--danger); }
.flash.info { background: var(--accent-soft); border-color: #b5dad5; color: var(--accent); }

.crumbs { font-size: 0.9rem; color: var(--muted); margin-bottom: 0.5rem; }
.crumbs a { color: var(--muted); }

/* forms */
label { display: block; font-weight: 700; margin-bottom: 0.2rem; }
.field { margin-bottom: 0.8rem; }
.hint { font-size: 0.85rem; color: var(--muted); font-weight: 400; }
input[type="text"], input[type="search"], input[type="password"], input[type="url"], input[type="date"], select, textarea {
  width: 100%; font: inherit; color: inherit; background: #fff; border: 1px solid #c9c3b5; border-radius: 0.45rem; padding: 0.4rem 0.6rem;
}
textarea { min-height: 8rem; line-height: 1.7; resize: vertical; }
input:focus-visible, select:focus-visible, textarea:focus-visible { outline: 3px solid #e08a00; outline-offset: 0; }
.check { display: flex; align-items: center; gap: 0.45rem; font-weight: 400; }
.check input { width: 1.1rem; height: 1.1rem; }
.row { display: flex; flex-wrap: wrap; gap: 0.6rem; align-items: flex-end; }
.row > .field { flex: 1 1 12rem; margin-bottom: 0; }
.actions { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; margin-top: 0.6rem; }
form.inline { display: inline; margin: 0; }
.learned ul.forms, ul.pairs { margin: 0; padding-inline-start: 1.1rem; }
.learned ul.forms li { margin-bottom: 0.2rem; }
ul.pairs li { margin-bottom: 0.5rem; }
button, .button {
  font: inherit; font-size: 0.95rem; cursor: pointer; border-radius: 0.45rem; padding: 0.3rem 0.9rem; border: 1px solid var(--accent);
  background: var(--accent); color: var(--accent-ink); text-decoration: none; display: inline-block; line-height: 1.6;
}
button.secondary, .button.secondary { background: #fff; color: var(--accent); }
button.danger { background: #fff; color: var(--danger); border-color: var(--danger); }
button.accept { background: var(--ok-soft); color: var(--ok); border-color: #8cc79a; }
button.reject { background: var(--danger-soft); color: var(--danger); border-color: #e5a49b; }
button[aria-pressed="true"] { font-weight: 700; box-shadow: inset 0 0 0 2px currentColor; }
button:disabled { opacity: 0.55; cursor: not-allowed; }
fieldset { border: 1px solid var(--line); border-radius: var(--radius); padding: 0.6rem 0.9rem 0.9rem; margin: 0 0 0.8rem; min-width: 0; }
legend { font-weight: 700; padding: 0 0.3rem; }
details > summary { cursor: pointer; font-weight: 700; }
details[open] > summary { margin-bottom: 0.5rem; }

/* chips */
.chips { display: flex; flex-wrap: wrap; gap: 0.35rem; list-style: none; margin: 0; padding: 0; }
.chip {
  display: inline-flex; align-items: center; gap: 0.3rem; max-width: 100%; padding: 0.05rem 0.65rem; border-radius: 999px;
  background: var(--untyped); color: var(--ink); text-decoration: none; font-size: 0.9rem; border: 1px solid rgba(0,0,0,0.08);
}
a.chip:hover { border-color: rgba(0,0,0,0.35); }
.chip.type-place { background: var(--place); }
.chip.type-person { background: var(--person); }
.chip.type-organisation { background: var(--organisation); }
.chip.type-topic { background: var(--topic); }
.chip.type-event { background: var(--event); }
.chip .n { font-size: 0.78rem; color: var(--muted); }
.chip.decided::before { content: '✓'; color: var(--ok); font-weight: 700; }
.badge { display: inline-block; font-size: 0.78rem; padding: 0 0.5rem; border-radius: 999px; border: 1px solid var(--line); background: #fff; color: var(--muted); white-space: nowrap; }
.badge.accepted, .badge.added { background: var(--ok-soft); color: var(--ok); border-color: #a8d5b2; }
.badge.rejected { background: var(--danger-soft); color: var(--danger); border-color: #efb8b1; }
.badge.warn { background: #fff4d6; color: #7a5300; border-color: #f0d48a; }

/* article list */
.articles { list-style: none; margin: 0; padding: 0; }
.articles > li { background: var(--card); border: 1px solid var(--line); border-radius: var(--radius); padding: 0.9rem 1.1rem; margin-bottom: 0.8rem; }
.articles h2 { font-size: 1.2rem; margin-bottom: 0.2rem; }
.articles h2 a { color: var(--ink); text-decoration: none; }
.articles h2 a:hover { color: var(--accent); text-decoration: underline; }
.articles .excerpt { color: #3b3934; margin: 0.25rem 0 0.5rem; }
.meta { font-size: 0.85rem; color: var(--muted); display: flex; flex-wrap: wrap; gap: 0.2rem 0.9rem; }
.filters { margin-bottom: 1rem; }
.pager { display: flex; flex-wrap: wrap; gap: 0.4rem; align-items: center; justify-content: center; margin-top: 1rem; }
.pager a, .pager span { padding: 0.15rem 0.7rem; border: 1px solid var(--line); border-radius: 0.45rem; background: #fff; text-decoration: none; }
.pager [aria-current="page"] { background: var(--accent); color: var(--accent-ink); border-color: var(--accent); }

/* article page */
.article-layout { display: grid; gap: 1.25rem; grid-template-columns: minmax(0, 1fr); }
@media (min-width: 60rem) { .article-layout { grid-template-columns: minmax(0, 1fr) 23rem; align-items: start; } .article-layout aside { position: sticky; top: 1rem; max-height: calc(100vh - 2rem); overflow-y: auto; } }
.article-text h1 { font-size: 1.8rem; line-height: 1.6; }
.article-text .body { font-size: 1.15rem; line-height: 2.05; }
.article-text .body p { margin-bottom: 1rem; }

mark.hl {
  position: relative; color: inherit; background: var(--untyped); border-radius: 0.25rem; padding: 0 0.1rem;
  box-decoration-break: clone; -webkit-box-decoration-break: clone; border-bottom: 2px solid rgba(0,0,0,0.25); cursor: help;
}
mark.hl.type-place { background: var(--place); border-bottom-color: #c99a00; }
mark.hl.type-person { background: var(--person); border-bottom-color: #3f7fcf; }
mark.hl.type-organisation { background: var(--organisation); border-bottom-color: #2f9a5b; }
mark.hl.type-topic { background: var(--topic); border-bottom-color: #a34fbf; }
mark.hl.type-event { background: var(--event); border-bottom-color: #cf5a44; }
mark.hl[data-kind="nisba"], mark.hl[data-kind="inflected"] { border-bottom-style: dashed; }
mark.hl.weak { background: transparent; border-bottom-style: dashed; }
mark.hl.emph { outline: 2px solid var(--ink); }
mark.hl:hover::after, mark.hl:focus::after {
  content: attr(data-tip); position: absolute; bottom: calc(100% + 0.35rem); inset-inline-start: 0; z-index: 10;
  width: max-content; max-width: min(22rem, 80vw); white-space: normal; padding: 0.25rem 0.6rem; border-radius: 0.4rem;
  background: #22211e; color: #fff; font-size: 0.85rem; line-height: 1.5; font-weight: 400; pointer-events: none;
}

.tag-list { list-style: none; margin: 0; padding: 0; }
.tag-list > li { border-top: 1px solid var(--line); padding: 0.6rem 0; }
.tag-list > li:first-child { border-top: 0; }
.tag-head { display: flex; flex-wrap: wrap; align-items: center; gap: 0.3rem 0.5rem; }
.tag-head .chip { font-size: 1rem; font-weight: 700; }
.score { display: inline-flex; align-items: center; gap: 0.4rem; font-size: 0.85rem; color: var(--muted); }
.score svg { width: 4.5rem; height: 0.5rem; }
.tag-meta { display: flex; flex-wrap: wrap; align-items: center; gap: 0 0.8rem; margin-top: 0.15rem; }
.kinds { font-size: 0.85rem; color: var(--muted); }
.tag-foot { display: flex; flex-wrap: wrap; align-items: flex-start; gap: 0.3rem 0.6rem; margin-top: 0.2rem; }
.tag-foot .why { flex: 1 1 10rem; font-size: 0.9rem; }
.tag-foot .why[open] { flex-basis: 100%; }
.tag-foot .why summary { font-weight: 400; color: var(--accent); }
.decide { display: flex; gap: 0.4rem; margin: 0; margin-inline-start: auto; }
.decide button { font-size: 0.85rem; padding: 0.1rem 0.7rem; }
.reasons { margin: 0.3rem 0 0; padding: 0; list-style: none; font-size: 0.85rem; }
.reasons li { display: flex; justify-content: space-between; gap: 0.5rem; }
.reasons .up { color: var(--ok); }
.reasons .down { color: var(--danger); }
.rejected-list .chip { text-decoration: line-through; opacity: 0.8; }
.legend { font-size: 0.85rem; }
.legend dt { font-weight: 700; }
.legend dd { margin: 0 0 0.3rem; color: var(--muted); }

/* tag page */
.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 0.3rem 1rem; margin: 0; }
.facts dt { font-weight: 700; color: var(--muted); }
.facts dd { margin: 0; }
.bars { list-style: none; margin: 0; padding: 0; }
.bars li { display: grid; grid-template-columns: 7.5rem minmax(0, 1fr) 2.5rem; gap: 0.5rem; align-items: center; font-size: 0.9rem; }
.bars svg { width: 100%; height: 0.9rem; }
.bars .n { text-align: end; }

/* vocabulary */
.entries { list-style: none; margin: 0; padding: 0; }
.entries > li { background: var(--card); border: 1px solid var(--line); border-radius: var(--radius); padding: 0.7rem 1rem; margin-bottom: 0.6rem; }
.entry-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.3rem 0.7rem; }
.entry-head h3 { margin: 0; font-size: 1.1rem; }
.entry-head .ltr { font-size: 0.75rem; }
.tabs { display: flex; flex-wrap: wrap; gap: 0.4rem; list-style: none; padding: 0; margin: 0 0 1rem; }
.tabs a { display: inline-block; padding: 0.2rem 0.8rem; border-radius: 999px; border: 1px solid var(--line); background: #fff; text-decoration: none; }
.tabs a[aria-current="page"] { background: var(--accent); color: var(--accent-ink); border-color: var(--accent); }
.tools { padding: 0; }
.tools details { border-top: 1px solid var(--line); padding: 0.6rem 1rem; }
.tools details:first-child { border-top: 0; }
.tools details > summary { color: var(--accent); }
.grid-2 { display: grid; gap: 1rem; grid-template-columns: minmax(0, 1fr); }
@media (min-width: 50rem) { .grid-2 { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); } }
.progress { width: 100%; height: 1rem; accent-color: var(--accent); }
/* review: the current tag, the shortcuts overlay, the queue */
.tag-list > li.current, .tag-list > li:focus { outline: 3px solid #e08a00; outline-offset: 2px; background: var(--accent-soft); }
.tag-list[data-tag-list]:focus-visible { outline: 3px solid #e08a00; }
kbd { font-family: ui-monospace, monospace; border: 1px solid #999; border-bottom-width: 2px; border-radius: 4px; padding: 0 0.3em; background: #fafafa; }
dialog#shortcuts { max-width: 28rem; border: 1px solid #ccc; }
dialog#shortcuts::backdrop { background: rgba(0, 0, 0, 0.35); }
.queue-nav { display: flex; gap: 1rem; justify-content: space-between; margin-block: 0.5rem; }
.tabs { display: flex; flex-wrap: wrap; gap: 0.5rem; list-style: none; padding: 0; }
.tabs a { display: inline-block; padding: 0.3rem 0.7rem; border-radius: var(--radius); border: 1px solid #b5dad5; text-decoration: none; }
.tabs a[aria-current="page"] { background: var(--accent); color: var(--accent-ink); }
.queue-list li { margin-block: 0.4rem; }
code.token { word-break: break-all; font-size: 1.05em; }
.account-link { color: inherit; font-weight: bold; }
.queue-nav a.next-ready { font-weight: bold; background: var(--accent-soft); border-radius: var(--radius); }
.chart { width: 100%; height: 140px; display: block; }
.chart .bar { fill: var(--accent); }
.hbar { width: 100%; height: 0.8rem; display: block; }
.hbar rect { fill: var(--accent); }
.dash .bar-cell { width: 35%; }
.dash-grid { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); }
`;
