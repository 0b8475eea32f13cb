// The dashboard's one Markdown renderer, for assistant replies only (user text is always shown as text).
//
//   renderMarkdown(text) → an HTML string that is safe for v-html: marked → DOMPurify (strict).
//
// Defence in layers:
//   1. marked never passes raw HTML through: an HTML block or inline tag in the Markdown is rendered as escaped text,
//      so `<img src=x onerror=…>` in a reply shows literally. Images become links (no remote fetches, no pixels).
//   2. DOMPurify then allows only the tags and attributes Markdown produces (no style, no iframes, no forms, no
//      event handlers, no javascript: URLs), and every link gets target=_blank rel="noopener noreferrer".
//   3. The page's CSP (script-src 'self', img-src 'self' data:) stands behind both.
// Code blocks are highlighted with highlight.js (core plus a handful of languages, to keep this view's chunk small).
import { Marked, type Tokens } from 'marked';
import DOMPurify from 'dompurify';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import csharp from 'highlight.js/lib/languages/csharp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import python from 'highlight.js/lib/languages/python';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';

hljs.registerLanguage('bash', bash);
hljs.registerLanguage('csharp', csharp);
hljs.registerLanguage('css', css);
hljs.registerLanguage('diff', diff);
hljs.registerLanguage('javascript', javascript);
hljs.registerLanguage('json', json);
hljs.registerLanguage('python', python);
hljs.registerLanguage('sql', sql);
hljs.registerLanguage('typescript', typescript);
hljs.registerLanguage('xml', xml);
hljs.registerLanguage('yaml', yaml);

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Auto-detection is skipped for long blocks (it tries every registered language). */
const AutoDetectLimit = 5000;

function highlight(code: string, lang: string | undefined): { html: string; language: string | null } {
  const name = (lang ?? '').trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  try {
    if (name && hljs.getLanguage(name)) {
      return { html: hljs.highlight(code, { language: name, ignoreIllegals: true }).value, language: name };
    }
    if (!name && code.length <= AutoDetectLimit) {
      const auto = hljs.highlightAuto(code);
      if (auto.language && auto.relevance >= 5) return { html: auto.value, language: auto.language };
    }
  } catch {
    // Fall through to plain text.
  }
  return { html: escapeHtml(code), language: null };
}

const marked = new Marked({
  async: false,
  gfm: true,
  breaks: true,
  renderer: {
    // Raw HTML in Markdown is shown as the text it is, never parsed.
    html({ text }: Tokens.HTML | Tokens.Tag): string {
      return escapeHtml(text);
    },
    code({ text, lang }: Tokens.Code): string {
      const { html, language } = highlight(text, lang);
      const cls = language ? `hljs language-${language}` : 'hljs';
      const label = language ? `<span class="code-lang">${escapeHtml(language)}</span>` : '';
      return `<pre class="code-block">${label}<code class="${cls}">${html}</code></pre>\n`;
    },
    // An image is offered as a link to it: no request leaves the page just by showing a reply.
    image({ href, text }: Tokens.Image): string {
      const label = escapeHtml(text || href);
      return `<a href="${escapeHtml(href)}">${label}</a>`;
    },
  },
});

const AllowedTags = [
  'a', 'p', 'br', 'hr', 'strong', 'em', 'del', 's', 'code', 'pre', 'span', 'blockquote',
  'ul', 'ol', 'li', 'input', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'table', 'thead', 'tbody', 'tr', 'th', 'td',
];
const AllowedAttrs = ['href', 'title', 'class', 'start', 'align', 'type', 'checked', 'disabled'];

let hooked = false;
function installHooks(): void {
  if (hooked) return;
  hooked = true;
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    if (node.nodeName === 'A') {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer');
    }
    // Task-list checkboxes only; any other input is dropped.
    if (node.nodeName === 'INPUT') {
      if (node.getAttribute('type') !== 'checkbox') node.remove();
      else node.setAttribute('disabled', '');
    }
    // Classes only for highlighting and the code label (not the page's own classes).
    const cls = node.getAttribute('class');
    if (cls !== null) {
      const kept = cls.split(/\s+/).filter((c) => /^(hljs[\w-]*|language-[\w+#.-]+|code-block|code-lang|[a-z]+_)$/.test(c));
      if (kept.length > 0) node.setAttribute('class', kept.join(' '));
      else node.removeAttribute('class');
    }
  });
}

/** Renders a reply's Markdown to sanitised HTML (the only input the app's v-html ever gets). */
export function renderMarkdown(text: string): string {
  installHooks();
  const html = marked.parse(text) as string;
  return DOMPurify.sanitize(html, {
    ALLOWED_TAGS: AllowedTags,
    ALLOWED_ATTR: AllowedAttrs,
    FORBID_ATTR: ['style'],
    FORBID_TAGS: ['style', 'iframe', 'img', 'form', 'svg', 'math', 'script', 'object', 'embed'],
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
    // http(s), mailto and in-page links only.
    ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|#|\/(?!\/))/i,
  });
}
