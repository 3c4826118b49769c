import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['emulator/**/*.test.ts', 'harness/**/*.test.ts', 'cli/**/*.test.ts', 'test/**/*.test.ts'],
    // Container tests need a Docker engine and built images: npm run test:containers runs them.
    exclude: ['test/containers/**', '**/node_modules/**'],
    // Integration suites start a real MinIO; keep one worker per core and generous hook time.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 20_000,
  },
});
