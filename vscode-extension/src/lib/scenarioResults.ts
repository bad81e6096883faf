// How one scenario result from il2/runScenarios is reported in the Test Explorer, and which files the Testing view
// lists. No `vscode` import here: unit-tested with node --test.

export interface ScenarioOutcome {
  readonly title: string;
  readonly passed: boolean;
  readonly message: string;
  /** What the scenario expects, as written after `expect` (absent from servers before expected/actual). */
  readonly expected?: string | null;
  /** What the protocol decided, in the same words. */
  readonly actual?: string | null;
}

export interface FailureReport {
  /** The message shown at the scenario's line. */
  readonly message: string;
  /** Expected and actual for the Test Explorer's diff, when the server gives both. */
  readonly diff?: { readonly expected: string; readonly actual: string };
}

/** The failure message of a failed scenario, with an expected/actual diff whenever both are known. */
export function failureReport(result: ScenarioOutcome): FailureReport {
  const message = result.message || 'The scenario failed.';
  if (result.expected && result.actual) {
    return { message, diff: { expected: `expect ${result.expected}`, actual: `decided ${result.actual}` } };
  }
  return { message };
}

/** The one-line summary of a run, for the notification "Run Protocol Tests" shows when it ends. */
export function runSummaryText(summary: { passed: number; failed: number; errored: number }): string {
  const total = summary.passed + summary.failed + summary.errored;
  if (total === 0) return 'this protocol has no scenarios.';
  if (summary.failed === 0 && summary.errored === 0) {
    return `all ${total} scenario${total === 1 ? '' : 's'} passed.`;
  }
  const parts = [`${summary.passed} passed`, `${summary.failed} failed`];
  if (summary.errored > 0) parts.push(`${summary.errored} could not run`);
  return `${parts.join(', ')}.`;
}

/** The files the Testing view lists: every .il2 file of the workspace, outside dependency and build folders. */
export const PROTOCOL_GLOB = '**/*.il2';
export const EXCLUDED_GLOB = '**/{node_modules,.git,bin,obj,out}/**';

/** Whether a workspace-relative path is one the Testing view lists (the same rule as the globs, for watcher events). */
export function isListedProtocol(relativePath: string): boolean {
  return relativePath.endsWith('.il2') && !inExcludedFolder(relativePath);
}

/** Whether a workspace-relative path is in (or is) a dependency or build folder, whose paths are never looked into. */
export function inExcludedFolder(relativePath: string): boolean {
  const parts = relativePath.split(/[\\/]/);
  return parts.some((p) => ['node_modules', '.git', 'bin', 'obj', 'out'].includes(p));
}

/** The group under an extending protocol's file that holds a base protocol's scenarios run against it. */
export function inheritedGroupId(protocol: string): string {
  // A carriage return cannot be in a scenario title (it ends the string, and no escape makes one), so the group's id
  // never meets a scenario's. Not a NUL: VS Code refuses test ids with one (its separator of id paths).
  return `\rinherited:${protocol}`;
}

export function inheritedGroupLabel(protocol: string): string {
  return `inherited from ${protocol}`;
}

/** The message of an inherited scenario: its outcome against the extension, and what changed. */
export function inheritedReport(result: {
  readonly outcome: string;
  readonly expected: string;
  readonly actual: string;
}): FailureReport & { readonly note?: string } {
  if (result.outcome === 'unchanged') return { message: '' };
  if (result.outcome === 'stricter') {
    return { message: '', note: `stricter here: expected ${result.expected}, decided ${result.actual}` };
  }
  return {
    message: `decided differently from the base's expectation (expected ${result.expected}, decided ${result.actual}); override the scenario with its reason if this is intended`,
    diff: { expected: `expect ${result.expected}`, actual: `decided ${result.actual}` },
  };
}

/**
 * The listed files a deletion removes: the file itself, or every file under a deleted (or renamed-away) folder. A
 * watcher reports a folder's deletion once, for the folder, so its protocols must be found by their path. Ids are
 * URI strings; a folder's children start with its URI and a slash.
 */
export function listedUnder(ids: Iterable<string>, deleted: string): string[] {
  const folder = deleted.endsWith('/') ? deleted : `${deleted}/`;
  return [...ids].filter((id) => id === deleted || id.startsWith(folder));
}
