// The text of the read-only "generated C#" document. No `vscode` import here.

export interface GeneratedCSharpResult {
  /** Absent (left out of the JSON) or null when there is no code. */
  readonly code?: string | null;
  readonly diagnostics: readonly string[];
}

/** The virtual document's text: the generated code, or why there is none, with the server's diagnostics as comments. */
export function renderGeneratedCSharp(sourceName: string, result: GeneratedCSharpResult): string {
  const comment = (line: string): string => `// ${line}`.trimEnd();
  const diagnostics = result.diagnostics.flatMap((d) => d.split(/\r?\n/)).map((d) => comment(d));
  if (result.code === null || result.code === undefined) {
    return [
      comment(`No C# was generated for ${sourceName}.`),
      ...(diagnostics.length > 0 ? [comment('Fix these first:'), ...diagnostics] : [comment('The server gave no reason.')]),
      '',
    ].join('\n');
  }
  if (diagnostics.length === 0) {
    return result.code;
  }
  return [comment(`Generated from ${sourceName}, with these diagnostics:`), ...diagnostics, '', result.code].join('\n');
}

/** The text shown when the request itself failed (server not running, crashed, timed out). */
export function renderGeneratedCSharpFailure(sourceName: string, reason: string): string {
  return [`// No C# could be requested for ${sourceName}: ${reason}`, ''].join('\n');
}
