/** One field-level problem in a request, as reported in problem+json `errors`. */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

export interface AppErrorOptions {
  readonly detail?: string;
  readonly errors?: readonly FieldError[];
  readonly headers?: Readonly<Record<string, string>>;
  readonly cause?: unknown;
}

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** The one error type of ShopStack: carries the HTTP status it maps to and, optionally, its cause. */
export class AppError extends Error {
  readonly status: number;
  readonly detail: string | undefined;
  readonly errors: readonly FieldError[] | undefined;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, message: string, opts: AppErrorOptions = {}) {
    super(message, { cause: opts.cause });
    this.name = 'AppError';
    this.status = status;
    this.detail = opts.detail ?? message;
    this.errors = opts.errors;
    this.headers = opts.headers ?? {};
  }

  get title(): string {
    return titles[this.status] ?? 'Error';
  }

  static badRequest(detail: string, errors?: readonly FieldError[]): AppError {
    return new AppError(400, detail, { errors });
  }

  static notFound(detail: string): AppError {
    return new AppError(404, detail);
  }
}

/** RFC 9457 problem details. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: readonly FieldError[];
}

export function toProblem(err: AppError, instance?: string): Problem {
  const problem: Problem = { type: 'about:blank', title: err.title, status: err.status };
  if (err.detail) problem.detail = err.detail;
  if (instance) problem.instance = instance;
  if (err.errors?.length) problem.errors = err.errors;
  return problem;
}

/** Body-parser and similar errors carry `status` and `type`; everything else is a 500 whose detail stays inside. */
export function asAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const e = err as { status?: unknown; type?: unknown; message?: unknown };
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    const detail =
      e.type === 'entity.too.large'
        ? 'request body is larger than allowed'
        : e.type === 'entity.parse.failed'
          ? 'request body is not valid JSON'
          : typeof e.message === 'string'
            ? e.message
            : 'bad request';
    return new AppError(e.status, detail, { cause: err });
  }
  return new AppError(500, 'internal error', { detail: 'an unexpected error occurred', cause: err });
}
