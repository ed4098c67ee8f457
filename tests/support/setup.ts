// Runs before each integration test file (vitest `setupFiles`).
import { beforeEach } from 'vitest';
import { markFailed } from './post-mortem.ts';

beforeEach(({ onTestFailed }) => onTestFailed(markFailed));
