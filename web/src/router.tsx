import type { ComponentChildren } from 'preact';
import { createStore } from './store.ts';

/** The page's location (path and query), kept in the address bar with the History API. */
export const location = createStore(new URL(window.location.href));

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  const url = new URL(to, window.location.origin);
  if (opts.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  location.set(url);
}

window.addEventListener('popstate', () => location.set(new URL(window.location.href)));

/** Matches `/orders/:id`-style patterns; returns the named parts or undefined. */
export function match(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    const actual = got[i] ?? '';
    if (part.startsWith(':')) {
      if (!actual) return undefined;
      params[part.slice(1)] = decodeURIComponent(actual);
    } else if (part !== actual) return undefined;
  }
  return params;
}

/** An ordinary link that changes the page without reloading it. */
export function Link(props: { href: string; children: ComponentChildren; class?: string }) {
  const { href, children } = props;
  return (
    <a
      class={props.class}
      href={href}
      onClick={(e) => {
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </a>
  );
}
