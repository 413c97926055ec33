import { readFileSync } from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';

/**
 * How many tests a file declares, read from its source: for a file that failed to load, whose tests
 * vitest never collected. `it.each` / `test.each` count as one (the rows are not known without running).
 */
export function declaredTests(source: string): number {
  return source.match(/^\s*(?:it|test)(?:\.(?:each\([^)]*\)|skip|only|concurrent|fails))*\s*\(/gm)?.length ?? 0;
}

function declaredIn(file: string): number {
  try {
    return declaredTests(readFileSync(file, 'utf8'));
  } catch {
    return 0;
  }
}

/** Prints the closing line CI understands: `N passed, N failed[, N skipped]`. */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, errors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of testModules) {
      let failedHere = 0;
      let skippedHere = 0;
      let collected = 0;
      for (const test of mod.children.allTests()) {
        collected++;
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failedHere++;
        else skippedHere++;
      }
      if (mod.state() === 'failed' && failedHere === 0) {
        // The file failed to load (nothing collected: count what its source declares, at least 1), or a
        // hook threw and its tests never ran (they show as skipped): none of them passed, all count as failed.
        failed += Math.max(1, collected === 0 ? declaredIn(mod.moduleId) : skippedHere);
      } else {
        failed += failedHere;
        skipped += skippedHere;
      }
    }
    failed += errors.length;
    process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  }
}
