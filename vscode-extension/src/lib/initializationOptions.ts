// What the extension sends the language server in `initialize` (initializationOptions). No `vscode`
// import here: unit-tested with node --test.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The diagnostic pages (docs/diagnostics/IL####.md), relative to the extension folder (copied by scripts/copy-docs.mjs). */
export const BUNDLED_DOCS = path.join('docs', 'diagnostics');

/** The options the server reads (src/IlTwo.LanguageServer/Handlers/InitializeHandler.cs). */
export interface Il2InitializationOptions {
  /** Folder URI, with a trailing slash; each diagnostic links `<folder>IL####.md` in `codeDescription.href`. */
  readonly diagnosticDocsBaseUri: string;
}

export interface InitializationOptionsInput {
  /** The extension's install folder (ExtensionContext.extensionPath). */
  readonly extensionPath: string;
  /** The `il2.diagnostics.docsBaseUri` setting; empty or blank means the pages bundled with the extension. */
  readonly configuredDocsBaseUri: string | undefined;
}

export interface InitializationOptionsResult {
  readonly options: Il2InitializationOptions;
  /** Where the pages come from, for messages. */
  readonly docsSource: 'bundled' | 'setting';
  /** Set when the setting was not usable and the bundled pages are linked instead: why. */
  readonly problem?: string;
}

/** The file URI of the bundled pages folder, with a trailing slash. */
export function bundledDocsBaseUri(extensionPath: string): string {
  return withTrailingSlash(pathToFileURL(path.join(extensionPath, BUNDLED_DOCS)).href);
}

export function buildInitializationOptions(input: InitializationOptionsInput): InitializationOptionsResult {
  const bundled: InitializationOptionsResult = {
    options: { diagnosticDocsBaseUri: bundledDocsBaseUri(input.extensionPath) },
    docsSource: 'bundled',
  };
  const configured = input.configuredDocsBaseUri?.trim() ?? '';
  if (configured === '') return bundled;

  let url: URL;
  try {
    url = new URL(configured);
  } catch {
    return { ...bundled, problem: notUsable(configured, 'it is not an absolute URI') };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:' && url.protocol !== 'file:') {
    return { ...bundled, problem: notUsable(configured, `its scheme ${url.protocol.slice(0, -1)} is not http, https or file`) };
  }
  return { options: { diagnosticDocsBaseUri: withTrailingSlash(url.href) }, docsSource: 'setting' };
}

function notUsable(configured: string, why: string): string {
  return `il2.diagnostics.docsBaseUri '${configured}' is not used (${why}); diagnostics link the pages bundled with the extension.`;
}

function withTrailingSlash(uri: string): string {
  return uri.endsWith('/') ? uri : `${uri}/`;
}
