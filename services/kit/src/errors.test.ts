import { describe, expect, it } from 'vitest';
import { AppError, asAppError, toProblem } from './errors.ts';

describe('problem+json mapping', () => {
  it('an AppError keeps its status, detail and field errors', () => {
    const err = AppError.badRequest('invalid body: name: required', [{ path: 'name', message: 'required' }]);
    expect(toProblem(err, '/api/v1/products')).toEqual({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'invalid body: name: required',
      instance: '/api/v1/products',
      errors: [{ path: 'name', message: 'required' }],
    });
  });

  it('a body that is too large becomes a 413 without the parser internals', () => {
    const parserError = Object.assign(new Error('request entity too large'), { status: 413, type: 'entity.too.large' });
    const problem = toProblem(asAppError(parserError));
    expect(problem).toMatchObject({
      status: 413,
      title: 'Content Too Large',
      detail: 'request body is larger than allowed',
    });
  });

  it('malformed JSON becomes a 400', () => {
    const parserError = Object.assign(new SyntaxError('Unexpected token'), {
      status: 400,
      type: 'entity.parse.failed',
    });
    expect(toProblem(asAppError(parserError))).toMatchObject({ status: 400, detail: 'request body is not valid JSON' });
  });

  it('an unexpected error is a 500 whose message does not leave the process', () => {
    const problem = toProblem(asAppError(new Error('connection to 10.0.0.7 refused: password=hunter2')));
    expect(problem.status).toBe(500);
    expect(JSON.stringify(problem)).not.toContain('hunter2');
  });
});
