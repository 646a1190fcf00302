/**
 * Preload of `npm run bench`: `node --require dist/scripts/bench-rss.js <script>` writes the peak
 * resident set size of that process to the file named by $EKS_EDGE_BENCH_RSS_FILE when it exits.
 * Node has no portable way to read a child's peak RSS from the parent, so the child reports it.
 */
import { writeFileSync } from 'node:fs';

export const RSS_FILE_VARIABLE = 'EKS_EDGE_BENCH_RSS_FILE';

export interface RssReport {
  /** `process.resourceUsage().maxRSS`: peak resident set size in KiB. */
  readonly maxRssKb: number;
  readonly exitCode: number;
}

const target = process.env[RSS_FILE_VARIABLE];
if (target) {
  // Only this process reports; anything it spawns must not overwrite the figure.
  delete process.env[RSS_FILE_VARIABLE];
  process.on('exit', (exitCode) => {
    const report: RssReport = { maxRssKb: process.resourceUsage().maxRSS, exitCode };
    writeFileSync(target, JSON.stringify(report));
  });
}
