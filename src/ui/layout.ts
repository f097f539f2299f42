/** The page shell every newsroom page shares: Arabic, right-to-left, one stylesheet, one small script. */
import { FONT_FILES } from './assets/styles.js';
import { html, raw, type SafeHtml } from './html.js';
import { CSRF_FIELD, type Session } from './session.js';

export type Section = 'articles' | 'tag' | 'vocabulary' | 'login' | 'none' | 'queue' | 'dashboard' | 'sources' | 'suggestions' | 'learning';

export interface PageView {
  session: Session | undefined;
  /** The path of this page (for "log in and come back"). */
  path: string;
  /** A version string for asset URLs, so a new release is not served stale CSS. */
  assetVersion: string;
  /** The API documentation is served at /docs. */
  docs: boolean;
}

export interface Flash {
  kind: 'ok' | 'error' | 'info';
  text: string;
}

export interface PageOptions {
  title: string;
  section: Section;
  content: SafeHtml;
  flash?: Flash | undefined;
  /** Extra <head> markup we wrote ourselves (e.g. a meta refresh while a job runs). */
  head?: SafeHtml;
}

const NAV: { section: Section; href: string; label: string }[] = [
  { section: 'articles', href: '/', label: 'المقالات' },
  { section: 'tag', href: '/ui/tag', label: 'وسم نص' },
  { section: 'vocabulary', href: '/ui/vocabulary', label: 'المعجم' },
  { section: 'queue', href: '/ui/queue', label: 'طابور المراجعة' },
  { section: 'dashboard', href: '/ui/dashboard', label: 'لوحة المتابعة' },
  { section: 'sources', href: '/ui/sources', label: 'المصادر' },
  { section: 'suggestions', href: '/ui/suggestions', label: 'وسوم مقترحة' },
  { section: 'learning', href: '/ui/learning', label: 'ما تعلّمه واسم' },
];

/** The signed-in user may edit (an admin or an editor; a viewer only reads). */
export function canEdit(view: PageView): boolean {
  return !!view.session && view.session.role !== 'viewer';
}

/** The hidden CSRF field every editing form carries. */
export function csrfField(view: PageView): SafeHtml {
  return view.session ? html`<input type="hidden" name="${CSRF_FIELD}" value="${view.session.csrf}">` : raw('');
}

export function flashBox(flash: Flash | undefined): SafeHtml {
  if (!flash) return raw('');
  return html`<div class="flash ${flash.kind}" role="${flash.kind === 'error' ? 'alert' : 'status'}">${flash.text}</div>`;
}

export function page(view: PageView, options: PageOptions): SafeHtml {
  const v = encodeURIComponent(view.assetVersion);
  const nav = NAV.map((n) => html`<li><a href="${n.href}"${n.section === options.section ? raw(' aria-current="page"') : ''}>${n.label}</a></li>`);
  const who = view.session
    ? html`<a href="/ui/account" class="account-link">${view.session.user.displayName}</a>
        <form method="post" action="/ui/logout">${csrfField(view)}<button type="submit">خروج</button></form>`
    : options.section === 'login'
      ? raw('')
      : html`<a href="/ui/login?next=${encodeURIComponent(view.path)}">دخول المحررين</a>`;
  return html`<!doctype html>
<html lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} — واسم</title>
<link rel="preload" href="/ui/assets/fonts/${FONT_FILES.arabic400}" as="font" type="font/woff2" crossorigin>
<link rel="stylesheet" href="/ui/assets/ui.css?v=${v}">
<link rel="icon" href="/ui/assets/icon.svg?v=${v}" type="image/svg+xml">
${view.session ? html`<meta name="csrf-token" content="${view.session.csrf}">` : ''}
${options.head ?? ''}
<script src="/ui/assets/ui.js?v=${v}" defer></script>
</head>
<body>
<a class="skip" href="#main">تخطَّ إلى المحتوى</a>
<header class="site-header">
  <div class="bar">
    <a class="brand" href="/"><strong>واسم</strong><span>الوسم الآلي للأخبار</span></a>
    <nav aria-label="الأقسام"><ul>${nav}</ul></nav>
    <div class="who">${who}</div>
  </div>
</header>
<main id="main" tabindex="-1">
${flashBox(options.flash)}
${options.content}
</main>
<footer class="site-footer">واسم — وسم آلي للأخبار العربية${view.docs ? html` · <a href="/docs">واجهة البرمجة (API)</a>` : ''}</footer>
</body>
</html>
`;
}
