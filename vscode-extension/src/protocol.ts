// The custom requests the IL-2 language server implements. Their names are fixed by the server.
import { RequestType, type Range, type TextDocumentIdentifier } from 'vscode-languageclient/node';
import type { GeneratedCSharpResult } from './lib/generatedCSharp';

export interface Il2DocumentParams {
  readonly textDocument: TextDocumentIdentifier;
}

/** `il2/generatedCSharp`: the C# the compiler generates for a document, or null with the reasons. */
export const generatedCSharpRequest = new RequestType<Il2DocumentParams, GeneratedCSharpResult, void>(
  'il2/generatedCSharp',
);

export interface ScenarioResult {
  readonly title: string;
  readonly passed: boolean;
  readonly message: string;
  readonly range: Range;
  /** What the scenario expects, as written after `expect` (`hold because creatinine-high`). */
  readonly expected?: string | null;
  /** What the protocol decided, in the same words. */
  readonly actual?: string | null;
}

/** A scenario of a protocol the document extends, run against the document, at its title in the base's file. */
export interface InheritedScenarioResult {
  readonly title: string;
  /** The id of the protocol that declares it. */
  readonly protocol: string;
  readonly uri: string;
  readonly range: Range;
  /** `unchanged`, `stricter` (a note: expected of an extension) or `changed` (a failure unless overridden). */
  readonly outcome: 'unchanged' | 'stricter' | 'changed';
  readonly passed: boolean;
  readonly expected: string;
  readonly actual: string;
}

export interface RunScenariosResult {
  readonly results: readonly ScenarioResult[];
  /** Absent from servers before inherited scenarios. */
  readonly inherited?: readonly InheritedScenarioResult[] | null;
}

/** The argument of the `il2.showRuleEvaluation` lens command: one rule's own value on each scenario of the file. */
export interface RuleEvaluation {
  readonly rule: string;
  readonly uri: string;
  readonly scenarios: readonly { readonly scenario: string; readonly range: Range; readonly value: string; readonly values: string }[];
}

/** `il2/runScenarios`: runs every scenario of a document against its rules. */
export const runScenariosRequest = new RequestType<Il2DocumentParams, RunScenariosResult, void>('il2/runScenarios');

export interface CompareWithRevisionParams {
  readonly textDocument: TextDocumentIdentifier;
  readonly revision: string;
}

export interface CompareWithRevisionResult {
  readonly markdown?: string | null;
  readonly verdict?: string | null;
  readonly error?: string | null;
}

/** `il2/compareWithRevision`: the semantic diff between the committee's version (a git revision) and the editor's text. */
export const compareWithRevisionRequest = new RequestType<CompareWithRevisionParams, CompareWithRevisionResult, void>(
  'il2/compareWithRevision',
);
