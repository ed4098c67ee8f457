/** A failed API request with the server's reason (NotFound, Conflict, Invalid, Expired, ...). */
export class KubeError extends Error {
  readonly status: number;
  readonly reason: string;

  constructor(status: number, reason: string, message: string) {
    super(message);
    this.status = status;
    this.reason = reason;
    this.name = 'KubeError';
  }
}

export function isStatus(err: unknown, status: number): boolean {
  return err instanceof KubeError && err.status === status;
}
