import { defineConfig } from 'vitest/config';

/** `npm run test:containers` (docker/test-containers.sh): the suites that need a Docker engine and the built images. */
export default defineConfig({
  test: {
    include: ['test/containers/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 240_000,
    teardownTimeout: 60_000,
  },
});
