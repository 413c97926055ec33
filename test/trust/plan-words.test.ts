import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

const ex = (name: string) => join(resolve(import.meta.dirname, '../..'), 'examples', name);

describe('plan reads as question → answer, so MIGRATE follows from the rows (issue 11 "Words that read backwards")', () => {
  it('no "Specialization gate FAIL" or "PASS — does not hold" above a MIGRATE', async () => {
    const r = await cli('plan', ex('fleet.yaml'));
    expect(r.code, r.stderr).toBe(0);
    const migrate = r.stdout.slice(r.stdout.indexOf('## support-resolution — MIGRATE'), r.stdout.indexOf('## document-extraction'));
    expect(migrate).not.toMatch(/Specialization gate\s+FAIL|Ownership gate\s+FAIL|PASS\s+does not hold/);
    expect(migrate).toMatch(/Needs specialization .*\?\s+no → continue to the ownership gate/);
    expect(migrate).toMatch(/Must the team own the stack .*\?\s+no → continue to the volume gate/);
    expect(migrate).toMatch(/Is the spend high enough for a migration to pay\?\s+yes → leave the closed API/);
    expect(migrate).toMatch(/The workload is small \(< \$5,000\/month\)\?\s+no → does not argue for staying/);
  });
});
