import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The gateway's rate-limit windows are aligned to the clock: when less than `marginMs` of the current
 * window of `windowMs` is left, waits for the next one, so that a test's requests all fall in one window.
 */
export async function withinOneWindow(windowMs: number, marginMs: number): Promise<void> {
  const left = windowMs - (Date.now() % windowMs);
  if (left < marginMs) await sleep(left + 100);
}
