import type { Problem } from './types.ts';

/** What a failed call tells the page: its status (0: the shop was not reached) and a sentence for a person. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem | undefined;
  /** Seconds to wait before trying again (429's Retry-After). */
  readonly retryAfter: number | undefined;

  constructor(status: number, problem: Problem | undefined, retryAfter?: number) {
    super(problem?.detail ?? problem?.title ?? `status ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }

  /** Field-level messages by field path (`errors` of a 400), for the form to show beside each field. */
  get fields(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem?.errors ?? []) out[e.path] ??= fieldMessage(e.path, e.message);
    return out;
  }
}

/** Per-call wording for statuses whose meaning depends on what was asked (e.g. 409 on register). */
export type Wording = Partial<Record<number, string>>;

const general: Record<number, string> = {
  400: 'Some of what you entered was not accepted. Please check the fields and try again.',
  401: 'Your session has ended. Please sign in again; what you entered is kept.',
  403: 'This needs an administrator account.',
  404: 'We could not find that. It may have been removed.',
  409: 'That conflicts with the current state of the shop. Reload and try again.',
  412: 'Someone else changed this while you were editing. Load the latest version and apply your change again.',
  413: 'That is more text than the shop accepts. Please shorten it.',
  422: 'This request was already sent with different details. Review it and send it again.',
  428: 'The shop needs to know which version you edited. Reload and try again.',
};

/** The sentence a person reads for a failed call; nothing technical, and always a next step. */
export function sentence(err: unknown, wording: Wording = {}): string {
  if (!(err instanceof ApiError)) return 'Something went wrong in the page. Please reload it; your entries are kept.';
  if (wording[err.status]) return wording[err.status] as string;
  // 0: the page reached nothing; the problem type: the web server answered, but the gateway is unreachable
  if (err.status === 0 || err.problem?.type === 'urn:shopstack:gateway-unreachable') {
    return 'We cannot reach the shop right now. Check your connection and try again in a moment; nothing you entered is lost.';
  }
  if (err.status === 429) {
    const wait = err.retryAfter ?? 60;
    return `Too many requests in a short time. Please wait ${wait} second${wait === 1 ? '' : 's'} and try again.`;
  }
  if (err.status === 400 && err.problem?.errors?.length) {
    return `Please correct: ${Object.values(err.fields).join(' ')}`;
  }
  if (general[err.status]) return general[err.status] as string;
  if (err.status >= 500) {
    return 'The shop is having trouble right now. Please try again in a moment; nothing you entered is lost.';
  }
  return `The shop refused this request (${err.problem?.title ?? err.status}). Please try again.`;
}

const labels: Record<string, string> = {
  email: 'E-mail',
  password: 'Password',
  name: 'Name',
  quantity: 'Quantity',
  onHand: 'Stock on hand',
  priceCents: 'Price',
  description: 'Description',
  category: 'Category',
  'payment.token': 'Payment',
  q: 'Search',
};

/** A field's message, led by its label and made a sentence. */
export function fieldMessage(path: string, message: string): string {
  const text = message.replace(/^Invalid input: /i, '').replace(/\.$/, '');
  return `${labels[path] ?? path}: ${text.charAt(0).toLowerCase()}${text.slice(1)}.`;
}

const reasons: Record<string, string> = {
  out_of_stock: 'Some items were out of stock, so the order was cancelled. Nothing was charged.',
  payment_declined: 'Your card was declined, so the order was cancelled. Nothing was charged.',
  expired: 'The payment did not complete in time, so the order was cancelled. Nothing was charged.',
  customer: 'You cancelled this order.',
};

/** Why an order was cancelled, for its page. */
export function reasonSentence(reason: string | undefined): string {
  return (reason && reasons[reason]) ?? 'The order was cancelled.';
}
