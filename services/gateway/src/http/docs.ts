import type { Router } from 'express';
import type { ApiDocument } from '../openapi/registry.ts';

type Doc = ReturnType<ApiDocument['document']>;

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A browsable page rendered on the server, so that the strict CSP needs no script or CDN. */
export function renderDocsPage(doc: Doc): string {
  const ops = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(
      item as Record<
        string,
        {
          summary?: string;
          description?: string;
          security?: unknown[];
          parameters?: unknown[];
          requestBody?: unknown;
          responses?: Record<string, { description?: string }>;
        }
      >,
    ).map(([method, op]) => {
      const responses = Object.entries(op.responses ?? {})
        .map(([status, r]) => `<li><code>${status}</code> ${esc(r.description ?? '')}</li>`)
        .join('');
      const details = JSON.stringify({ parameters: op.parameters, requestBody: op.requestBody }, null, 2);
      return `<section><h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${esc(path)}</code>${op.security ? ' 🔒' : ''}</h3>
<p>${esc(op.summary ?? '')} ${esc(op.description ?? '')}</p><ul>${responses}</ul>
<details><summary>request schema</summary><pre>${esc(details)}</pre></details></section>`;
    }),
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(doc.info.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}section{border-top:1px solid #ddd}
.m{display:inline-block;min-width:4.5rem;font-size:.8rem;padding:.1rem .3rem;border-radius:.2rem;color:#fff;background:#555}
.get{background:#2a7}.post{background:#27c}.put{background:#c82}.patch{background:#a5c}.delete{background:#c33}pre{background:#f6f6f6;padding:.5rem;overflow:auto}</style>
</head><body><h1>${esc(doc.info.title)} ${esc(doc.info.version)}</h1><p>${esc(doc.info.description ?? '')}</p>
<p>Machine-readable: <a href="/api/docs/openapi.json">openapi.json</a> (OpenAPI ${esc(doc.openapi)})</p>${ops.join('\n')}</body></html>`;
}

export function docsRoutes(doc: ApiDocument): (router: Router) => void {
  return (router) => {
    router.get('/api/docs/openapi.json', (_req, res) => {
      res.json(doc.document());
    });
    router.get('/api/docs', (_req, res) => {
      res.type('html').send(renderDocsPage(doc.document()));
    });
  };
}
