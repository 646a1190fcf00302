/** Jest runs TypeScript through SWC (no type-check here: `tsc --noEmit` does that in `npm test`). */
module.exports = {
  testEnvironment: 'node',
  // Jest's default leaves one core idle; the suites are independent, so use both of CI's two.
  maxWorkers: 2,
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
