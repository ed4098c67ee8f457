import { describe, expect, it } from 'vitest';
import { currentTraceContext, runInTraceContext, traceContextOf } from './trace-context.ts';

const valid = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('traceContextOf', () => {
  it('keeps a valid traceparent as it came', () => {
    expect(traceContextOf(valid)).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceparent: valid,
    });
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['upper-case hex', valid.toUpperCase()],
    ['an unknown version', valid.replace(/^00/, 'ff')],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`],
    ['an all-zero parent id', `00-4bf92f3577b34da6a3ce929d0e0e4736-${'0'.repeat(16)}-01`],
    ['a short trace id', '00-4bf92f3577b34da6-00f067aa0ba902b7-01'],
    ['trailing text', `${valid}-extra`],
  ])('starts a new unsampled trace when the header is %s', (_, header) => {
    const context = traceContextOf(header);
    expect(context.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    expect(context.traceparent).toBe(`00-${context.traceId}-${context.spanId}-00`);
    expect(context.traceId).not.toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('starts a different trace each time', () => {
    expect(traceContextOf(undefined).traceId).not.toBe(traceContextOf(undefined).traceId);
  });
});

describe('runInTraceContext', () => {
  it('makes the context current in everything the function starts, and only there', async () => {
    const context = traceContextOf(valid);
    const seen = await runInTraceContext(context, async () => {
      await new Promise((r) => setTimeout(r, 1));
      return currentTraceContext();
    });
    expect(seen).toBe(context);
    expect(currentTraceContext()).toBeUndefined();
  });
});
