// Copies the diagnostic pages (../docs/diagnostics/*.md: one per IL#### code and the README.md index)
// into docs/diagnostics/, which the .vsix ships and the language server links from each diagnostic
// (initializationOptions.diagnosticDocsBaseUri). Runs before every `npm run package` (vscode:prepublish).
// The copy is not in git (.gitignore); the repository's docs/diagnostics/ is the source.
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, '..', 'docs', 'diagnostics');
const target = join(root, 'docs', 'diagnostics');

const pages = existsSync(source) ? readdirSync(source).filter((f) => f.endsWith('.md')).sort() : [];
if (!pages.includes('README.md') || !pages.some((f) => /^IL\d{4}\.md$/.test(f))) {
  console.error(`copy-docs: ${source} should hold README.md and the IL####.md pages`);
  process.exit(1);
}
rmSync(join(root, 'docs'), { recursive: true, force: true });
mkdirSync(target, { recursive: true });
for (const page of pages) copyFileSync(join(source, page), join(target, page));
console.log(`copy-docs: ${pages.length} pages in ${target}`);
