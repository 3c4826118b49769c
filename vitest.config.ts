import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['emulator/**/*.test.ts', 'harness/**/*.test.ts', 'cli/**/*.test.ts', 'test/**/*.test.ts'],
    // Container tests need a Docker engine and built images: npm run test:containers runs them.
    exclude: ['test/containers/**', '**/node_modules/**'],
    // Integration suites start a real MinIO; keep one worker per core. Timeouts only catch a hang:
    // they are far above any run time, since other suites may share these 2 cores (no test
    // depends on how fast the machine is; speed is measured by `npm run bench`).
    pool: 'forks',
    maxWorkers: 2,
    // A private TMPDIR for the suite; fails the run if any test leaves something in it.
    globalSetup: ['test/global-tmp.ts'],
    testTimeout: 180_000,
    hookTimeout: 240_000,
    teardownTimeout: 60_000,
  },
});
