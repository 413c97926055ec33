import { InputFileError, type Problem, readInputText } from './yaml-file.js';

const MAX_BYTES = 1_000_000;

/**
 * A week (168 rows) or a day (24 rows) of hourly request counts. Accepts one number per line or a
 * header row with a `requests` column (other columns such as `hour` are ignored). Errors name file:line.
 */
export function readHourlyCsv(file: string): number[] {
  const text = readInputText(file, MAX_BYTES, '168 hourly rows');
  const lines = text.split(/\r?\n/);
  const problems: Problem[] = [];
  let column = 0;
  let start = 0;
  const first = lines[0]?.split(',').map((c) => c.trim().toLowerCase()) ?? [];
  if (first.some((c) => c !== '' && Number.isNaN(Number(c)))) {
    column = first.indexOf('requests');
    if (column < 0) throw new InputFileError(file, [{ line: 1, message: `header has no "requests" column (found: ${first.join(', ')})` }]);
    start = 1;
  }
  const values: number[] = [];
  for (let i = start; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === '') continue;
    const cell = raw.split(',')[column]?.trim() ?? '';
    const v = Number(cell);
    if (cell === '' || !Number.isFinite(v) || v < 0) problems.push({ line: i + 1, field: 'requests', message: `"${cell}" is not a request count; allowed a number ≥ 0` });
    else values.push(v);
  }
  if (problems.length) throw new InputFileError(file, problems);
  if (values.length !== 168 && values.length !== 24) {
    throw new InputFileError(file, [{ message: `${values.length} hourly rows; allowed 168 (a week, Monday 00:00 first) or 24 (one day, repeated)` }]);
  }
  return values;
}
