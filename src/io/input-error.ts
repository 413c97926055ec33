/** Errors about input files: kept apart from the YAML reader so the CLI can classify them without loading a parser. */

export interface Problem {
  line?: number;
  column?: number;
  /** Dotted path in the file's own vocabulary, e.g. `workloads[0].retry_rate`. */
  field?: string;
  message: string;
}

/** A file that cannot be used, with every problem found and where it is. Surfaces exit with code 2. */
export class InputFileError extends Error {
  readonly file: string;
  readonly problems: Problem[];
  constructor(file: string, problems: Problem[]) {
    super(problems.map((p) => formatProblem(file, p)).join('\n'));
    this.name = 'InputFileError';
    this.file = file;
    this.problems = problems;
  }
}

export function formatProblem(file: string, p: Problem): string {
  const where = p.line ? `${file}:${p.line}${p.column ? `:${p.column}` : ''}` : file;
  return `${where}: ${p.field ? `${p.field}: ` : ''}${p.message}`;
}
