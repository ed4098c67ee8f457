// The Dapr view's page: fetches `api/view` every few seconds and renders it as tables. Text only goes in
// through textContent, so nothing in the data can become markup.
import type {
  AppView,
  CertificateView,
  ComponentView,
  ConfigurationView,
  DaprView,
  Health,
  HealthItem,
  ResiliencyView,
  ShopView,
  SubscriptionView,
} from '../src/model.ts';

const refreshMs = 3000;

type Child = Node | string;

function el(tag: string, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  node.append(...children);
  return node;
}

const pill = (health: Health | string, label: string = health): HTMLElement =>
  el('span', { class: `pill ${health}`, 'data-health': health }, label);
const list = (items: readonly Child[], attrs: (i: number) => Record<string, string> = () => ({})): HTMLElement =>
  el('ul', {}, ...items.map((item, i) => el('li', attrs(i), item)));
const names = (items: readonly string[] | undefined, none = '—'): string => (items?.length ? items.join(', ') : none);

function table(headers: readonly string[], rows: readonly HTMLElement[]): HTMLElement {
  return el(
    'table',
    {},
    el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', {}, h)))),
    el(
      'tbody',
      {},
      ...(rows.length ? rows : [el('tr', {}, el('td', { colspan: String(headers.length), class: 'muted' }, 'none'))]),
    ),
  );
}

function section(id: string, title: string, note: string, body: HTMLElement): HTMLElement {
  return el('section', { id }, el('h2', {}, title, ' ', el('small', {}, note)), body);
}

const td = (...children: Child[]): HTMLElement => el('td', {}, ...children);

function controlPlaneRow(item: HealthItem): HTMLElement {
  return el('tr', { 'data-control-plane': item.name }, td(item.name), td(pill(item.health)), td(item.detail));
}

function certificateRow(cert: CertificateView): HTMLElement {
  const expires = cert.notAfter ? `${cert.notAfter.slice(0, 10)} (${cert.daysLeft} days)` : (cert.detail ?? 'unknown');
  return el(
    'tr',
    { 'data-certificate': cert.name },
    td(cert.name),
    td(pill(cert.health)),
    td(expires),
    td(el('span', { class: 'mono' }, cert.subject)),
  );
}

function appRow(app: AppView): HTMLElement {
  return el(
    'tr',
    { 'data-app': app.appId },
    td(el('strong', {}, app.appId)),
    td(pill(app.health)),
    td(`${app.ready}/${app.desired}`),
    td(app.runtimeVersion ?? '—'),
    td(el('span', { class: 'mono' }, app.appConnection ?? '—')),
    td(names(app.loadedComponents)),
    td(el('span', { class: 'muted' }, app.detail)),
  );
}

function componentRow(c: ComponentView): HTMLElement {
  const metadata = c.metadata.map((m) =>
    el(
      'span',
      { 'data-metadata': m.name, class: 'mono' },
      `${m.name}: ${m.value}`,
      ...(m.kind === 'value' ? [] : [el('span', { class: `tag ${m.kind}` }, m.kind)]),
    ),
  );
  return el(
    'tr',
    { 'data-component': c.name },
    td(el('strong', {}, c.name)),
    td(el('span', { class: 'mono' }, `${c.type}/${c.version}`)),
    td(names(c.scopes, 'all apps')),
    ...(c.loadedBy ? [td(names(c.loadedBy))] : []),
    td(c.secretStore ?? '—'),
    td(list(metadata)),
  );
}

function configurationRow(c: ConfigurationView): HTMLElement {
  const policies = c.policies.map((p) =>
    el(
      'span',
      {},
      pill(p.defaultAction),
      ' ',
      el('strong', {}, p.appId),
      el('span', { class: 'muted' }, ` ${p.namespace} · ${p.trustDomain}`),
      ...p.operations.map((o) => el('div', { class: 'mono muted' }, o)),
    ),
  );
  return el(
    'tr',
    { 'data-configuration': c.name },
    td(el('strong', {}, c.name)),
    td(pill(c.mtls ? 'healthy' : 'unhealthy', c.mtls ? 'on' : 'off')),
    td(`sampling ${c.tracingSamplingRate}${c.tracingEndpoint ? ` → ${c.tracingEndpoint}` : ''}`),
    td(pill(c.accessDefaultAction)),
    td(list(policies, (i) => ({ 'data-policy-app': c.policies[i]?.appId ?? '' }))),
  );
}

function subscriptionRow(s: SubscriptionView): HTMLElement {
  return el(
    'tr',
    { 'data-subscription': s.name },
    td(el('strong', {}, s.name)),
    td(s.pubsub),
    td(el('span', { class: 'mono' }, s.topic)),
    td(el('span', { class: 'mono' }, names(s.routes))),
    td(s.deadLetterTopic ? el('span', { class: 'mono' }, s.deadLetterTopic) : pill('degraded', 'none')),
    td(names(s.appIds, 'all apps')),
    ...(s.activeIn ? [td(names(s.activeIn, 'not active'))] : []),
  );
}

function resiliencyRow(r: ResiliencyView): HTMLElement {
  return el(
    'tr',
    { 'data-resiliency': r.name },
    td(el('strong', {}, r.name)),
    td(list(r.policies)),
    td(list(r.targets)),
    td(names(r.scopes, 'all apps')),
  );
}

// a condition reads as health: Ready=True and Degraded=False are good news
function conditionHealth(type: string, status: string): Health {
  if (status === 'Unknown') return 'unknown';
  const good = type === 'Degraded' || type === 'Progressing' ? status === 'False' : status === 'True';
  return good ? 'healthy' : type === 'Progressing' ? 'degraded' : 'unhealthy';
}

function shopSections(shop: ShopView): HTMLElement[] {
  return [
    section(
      `shop-${shop.name}`,
      `ShopStack ${shop.name}`,
      "the operator's conditions",
      table(
        ['condition', 'status', 'reason', 'message', 'since'],
        shop.conditions.map((c) =>
          el(
            'tr',
            { 'data-condition': c.type },
            td(el('strong', {}, c.type)),
            td(pill(conditionHealth(c.type, c.status), c.status)),
            td(c.reason),
            td(c.message),
            td(el('span', { class: 'muted' }, c.since)),
          ),
        ),
      ),
    ),
    section(
      `shop-${shop.name}-events`,
      'Latest Events',
      'newest first',
      table(
        ['time', 'type', 'reason', 'note'],
        shop.events.map((e) =>
          el(
            'tr',
            { 'data-event': e.reason },
            td(el('span', { class: 'muted' }, e.time.slice(0, 19).replace('T', ' '))),
            td(pill(e.type === 'Warning' ? 'degraded' : 'healthy', e.type)),
            td(el('strong', {}, e.reason)),
            td(e.note),
          ),
        ),
      ),
    ),
  ];
}

function render(view: DaprView): HTMLElement[] {
  const local = view.source === 'local';
  const healthy = view.apps.filter((a) => a.health === 'healthy').length;
  return [
    ...(view.shops ?? []).flatMap(shopSections),
    section(
      'apps',
      'Apps',
      `${healthy}/${view.apps.length} with healthy sidecars`,
      table(
        ['app id', 'sidecar', 'ready', 'runtime', 'app connection', 'loaded components', 'detail'],
        view.apps.map(appRow),
      ),
    ),
    section(
      'control-plane',
      'Control plane',
      '',
      table(['component', 'health', 'detail'], view.controlPlane.map(controlPlaneRow)),
    ),
    section(
      'certificates',
      'mTLS certificates',
      'issued by Dapr Sentry',
      table(['certificate', 'status', 'expires', 'subject'], view.certificates.map(certificateRow)),
    ),
    section(
      'components',
      'Components',
      'secret references are shown as references; secret-looking values are masked',
      table(
        ['name', 'type', 'scopes', ...(local ? ['loaded by'] : []), 'secret store', 'metadata'],
        view.components.map(componentRow),
      ),
    ),
    section(
      'configurations',
      'Configurations',
      'mTLS, tracing and the access-control policy: who may invoke the app',
      table(['name', 'mTLS', 'tracing', 'default', 'allowed callers'], view.configurations.map(configurationRow)),
    ),
    section(
      'subscriptions',
      'Subscriptions',
      '',
      table(
        ['name', 'pub/sub', 'topic', 'routes', 'dead-letter topic', 'scopes', ...(local ? ['active in'] : [])],
        view.subscriptions.map(subscriptionRow),
      ),
    ),
    section(
      'resiliencies',
      'Resiliency',
      '',
      table(['name', 'policies', 'targets', 'scopes'], view.resiliencies.map(resiliencyRow)),
    ),
    list(view.notes),
  ];
}

const status = document.getElementById('status') as HTMLElement;
const main = document.getElementById('view') as HTMLElement;

async function refresh(): Promise<void> {
  try {
    const res = await fetch('api/view', { headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`the view answered ${res.status}`);
    const view = (await res.json()) as DaprView;
    main.replaceChildren(...render(view));
    main.lastElementChild?.setAttribute('class', 'notes');
    status.className = '';
    status.textContent = `${view.source} · namespace ${view.namespace} · updated ${new Date(view.generatedAt).toLocaleTimeString()}`;
  } catch (err) {
    // keep the last good tables; say why they are stale
    status.className = 'error';
    status.textContent = `not refreshed: ${(err as Error).message}`;
  } finally {
    setTimeout(() => void refresh(), refreshMs);
  }
}

void refresh();
