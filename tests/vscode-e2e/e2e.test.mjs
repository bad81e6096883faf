// The IL-2 Protocols extension in a real VS Code (code-server, VS Code's browser build) driven through headless
// Chromium, checked as a user sees it: highlighting colours, a diagnostic in the Problems panel, a hover,
// "IL-2 Protocols: Show Generated C#", a quick fix applied, the Testing view listing a protocol never opened, an
// evaluate lens's text, a debug session (il2 dap) stopped at a breakpoint with its Variables view, Format Document
// by its shortcut, and "Compare with Committee Version" in one read-only preview tab. Started by run.sh, which installs code-server with the .vsix and sets:
//   IL2_E2E_PORT, IL2_E2E_FOLDER   where code-server listens and the workspace it opened (holds protocols/)
//   IL2_CODE_SERVER_HOME           the install folder (playwright-core lives there)
//   IL2_E2E_OUT                    where screenshots go (IL2_UPDATE_SCREENSHOTS=1: docs/images/ for the README)
import { describe, before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const port = process.env.IL2_E2E_PORT;
const folder = process.env.IL2_E2E_FOLDER;
const home = process.env.IL2_CODE_SERVER_HOME ?? path.join(process.env.HOME ?? '/root', '.cache', 'il2-code-server');
const shots =
  process.env.IL2_UPDATE_SCREENSHOTS === '1'
    ? path.join(repo, 'docs', 'images')
    : (process.env.IL2_E2E_OUT ?? mkdtempSync(path.join(tmpdir(), 'il2-vscode-e2e-')));
mkdirSync(shots, { recursive: true });

const FILE = 'post-til-il2.il2';
// The line of the creatinine rule the tests edit and hover, found in the shipped file (it moves when the file changes).
// Lines the tests go to, found in the shipped file (they move when the file changes).
const shippedLines = readFileSync(path.join(repo, 'protocols', FILE), 'utf8').split('\n');
const lineOf = (text) => {
  const n = shippedLines.findIndex((l) => l.includes(text)) + 1;
  assert.ok(n > 0, `${FILE} has a line with '${text}'`);
  return n;
};
const RULE_LINE = lineOf('when creatinine >= 2.5 mg/dL');
const URINE_LINE = lineOf('when sum(urine-output, last 8 h)');
const RULER_LINE = lineOf('// ------');
const URINE_RULE_LINE = lineOf('hold rule urine-output-per-weight');
const URINE_SCENARIO = '250 mL over 8 hours for 70 kg is below 4 mL/kg';
const URINE_SCENARIO_LINE = lineOf(`scenario "${URINE_SCENARIO}"`);
// The evaluate lens counts the file's own scenarios.
const SCENARIOS = shippedLines.filter((l) => /^(override )?scenario "/.test(l)).length;
// A protocol the tests never open: the Testing view must list it all the same.
const UNOPENED = 'hd-il2-monotherapy.il2';
// Bounded waits: the workbench and the .NET server take a few seconds each on two cores.
const WORKBENCH_MS = 60_000;
const SERVER_MS = 60_000;
const UI_MS = 15_000;

let browser;
let page;
const sourceEditor = () => page.locator(`.monaco-editor[data-uri$="/${FILE}"]`).first();
const sourceLine = (text) => sourceEditor().locator('.view-line', { hasText: text });

/** Runs a check; on failure saves a screenshot of the window next to the others. */
function step(name, timeout, body) {
  test(name, { timeout }, async () => {
    try {
      await body();
    } catch (error) {
      const file = path.join(shots, `failure-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`);
      await page?.screenshot({ path: file }).catch(() => undefined);
      console.log(`screenshot of the failure: ${file}`);
      throw error;
    }
  });
}

async function quickInput(keys, text) {
  await page.keyboard.press(keys);
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: UI_MS });
  await input.fill(text);
}

/** Ctrl+G: reveals line N of the active editor (in the middle of the view). */
async function goToLine(n, expectText) {
  await quickInput('Control+g', `:${n}`);
  await page.keyboard.press('Enter');
  // Keys pressed while the quick input is still closing go to it, not to the editor (a format check once lost its
  // cursor moves that way): wait until it has closed and the cursor is on line n.
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: UI_MS });
  await page.locator('.statusbar-item', { hasText: new RegExp(`Ln ${n}, Col \\d+`) }).first().waitFor({ timeout: UI_MS });
  await sourceLine(expectText).first().waitFor({ timeout: UI_MS });
}

/** The rendered tokens of the visible lines: text, theme class (mtkN: same class, same colour) and colour. */
function renderedTokens() {
  return sourceEditor()
    .locator('.view-line')
    .evaluateAll((lines) =>
      lines.map((line) =>
        [...line.querySelectorAll('span span')].map((span) => ({
          text: span.textContent.replace(/\u00a0/g, ' '), // VS Code renders spaces as no-break spaces
          cls: (span.className.match(/\bmtk\d+\b/) ?? [''])[0],
          color: getComputedStyle(span).color,
        })),
      ),
    );
}

/** Waits until the rendering settles (the server's semantic tokens arrive after the grammar's colours). */
async function settledTokens() {
  let previous = '';
  const deadline = Date.now() + 10_000;
  for (;;) {
    const lines = await renderedTokens();
    const now = JSON.stringify(lines);
    if (now === previous || Date.now() > deadline) return lines;
    previous = now;
    await page.waitForTimeout(400);
  }
}

/**
 * The token `text` (the nth occurrence) on the visible line that contains `lineText`. VS Code renders a long token
 * in pieces of about 50 characters: a `text` of 10 characters or more also matches the start of a piece.
 */
function token(lines, lineText, text, nth = 0) {
  const line = lines.find((l) => l.map((t) => t.text).join('').includes(lineText));
  assert.ok(line, `a visible line contains '${lineText}'`);
  const hits = line.filter((t) => t.text === text || (text.length >= 10 && t.text.startsWith(text)));
  assert.ok(hits.length > nth, `'${text}' is a token of its own on '${lineText.trim()}' (tokens: ${JSON.stringify(line.map((t) => t.text))})`);
  return { ...hits[nth], where: `'${text}' in '${lineText.trim()}'` };
}

const describeToken = (t) => `${t.where} (${t.cls}, ${t.color})`;

/**
 * The code lens link `text` right above the visible line holding `lineText` (VS Code keeps off-screen lenses hidden,
 * and every scenario has its own Run and Debug). Asked again until UI_MS: the lenses are drawn anew when a compile
 * finishes, and a box measured while they are replaced or the editor scrolls is not where the link ends up.
 */
async function lensAbove(lineText, text) {
  const deadline = Date.now() + UI_MS;
  for (;;) {
    try {
      return await lensAboveNow(lineText, text);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await page.waitForTimeout(250);
    }
  }
}

async function lensAboveNow(lineText, text) {
  const line = await sourceLine(lineText).first().boundingBox();
  assert.ok(line, `the line '${lineText}' is visible`);
  const links = page.locator('.codelens-decoration:visible a', { hasText: text });
  let best;
  let bestY = -Infinity;
  for (let i = 0; i < (await links.count()); i++) {
    const box = await links.nth(i).boundingBox();
    if (box && box.y < line.y && box.y > bestY) {
      best = links.nth(i);
      bestY = box.y;
    }
  }
  assert.ok(best && line.y - bestY < 40, `a '${text}' lens right above '${lineText}'`);
  return best;
}

describe('the IL-2 Protocols extension in VS Code', { timeout: 300_000 }, () => {
  before(async () => {
    assert.ok(port && folder, 'IL2_E2E_PORT and IL2_E2E_FOLDER are set (run this through tests/vscode-e2e/run.sh)');
    const require = createRequire(path.join(home, 'package.json'));
    const { chromium } = require('playwright-core');
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: WORKBENCH_MS });

    // Open the protocol as a user would: Ctrl+P, its name, Enter.
    const input = page.locator('.quick-input-widget input');
    await page.keyboard.press('Control+p');
    await input.waitFor({ state: 'visible', timeout: WORKBENCH_MS });
    await input.fill(FILE);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: FILE }).first().waitFor({ timeout: WORKBENCH_MS });
    await page.keyboard.press('Enter');
    await sourceEditor().locator('.view-line').first().waitFor({ timeout: UI_MS });

    // The extension's status bar item says when the language server runs.
    const status = page.locator('[id$=".il2.serverStatus"]');
    try {
      await status.waitFor({ timeout: SERVER_MS });
    } catch {
      console.log('no IL-2 server status bar item appeared; going on without waiting for the server');
      return;
    }
    await page
      .locator('[id$=".il2.serverStatus"][aria-label*="running"]')
      .waitFor({ timeout: SERVER_MS })
      .catch(async () => {
        assert.fail(`the IL-2 language server did not start: its status bar item says '${await status.getAttribute('aria-label')}'`);
      });
  });

  after(async () => {
    await browser?.close();
  });

  step('highlighting: keywords, units, comments and strings each get their own theme colour', 60_000, async () => {
    // The grammar scopes `yes` as constant.language.boolean and `when` as keyword.other, which themes colour
    // differently; the server's semantic tokens then call both `keyword`. Wait for those to arrive (for the whole
    // file at once), so that everything below is read in one state.
    await goToLine(RULE_LINE, 'when creatinine >= 2.5');
    const waited = Date.now();
    const deadline = waited + 30_000;
    for (let first = true; ; first = false) {
      const now = await renderedTokens();
      const yes = token(now, 'when oliguria-despite-boluses is yes', 'yes');
      const when = token(now, 'when oliguria-despite-boluses is yes', 'when');
      if (yes.cls === when.cls) {
        console.log(first ? 'semantic tokens already shown' : `semantic tokens shown after ${Date.now() - waited} ms`);
        break;
      }
      if (first) console.log(`grammar colours: ${describeToken(yes)}, ${describeToken(when)}`);
      if (Date.now() > deadline) {
        assert.fail(`the server's semantic tokens did not arrive within 30 s: ${describeToken(yes)} is not coloured like ${describeToken(when)}`);
      }
      await page.waitForTimeout(250);
    }

    await page.keyboard.press('Control+Home');
    await sourceLine('protocol post-til-il2').waitFor({ timeout: UI_MS });
    const top = await settledTokens();
    const protocolKeyword = token(top, 'protocol post-til-il2', 'protocol');

    await goToLine(RULE_LINE, 'when creatinine >= 2.5');
    const lines = await settledTokens();
    const keyword = token(lines, 'when creatinine >= 2.5 mg/dL', 'when');
    const name = token(lines, 'when creatinine >= 2.5 mg/dL', 'creatinine');
    const unit = token(lines, 'when creatinine >= 2.5 mg/dL', 'mg/dL');
    const comment = token(lines, '// The same threshold as monotherapy', '// The same threshold');
    const string = token(lines, 'override hold rule creatinine-high', '"Creatinine 2.5 mg/dL or more"');

    // Different kinds look different (the default theme tells all of these apart).
    const kinds = { keyword, unit, comment, string };
    for (const [kind, t] of Object.entries(kinds)) {
      assert.notEqual(t.cls, name.cls, `${kind} ${describeToken(t)} is coloured like the name ${describeToken(name)}`);
    }
    const entries = Object.entries(kinds);
    for (let i = 0; i < entries.length; i++) {
      for (let j = i + 1; j < entries.length; j++) {
        const [ka, a] = entries[i];
        const [kb, b] = entries[j];
        assert.notEqual(a.cls, b.cls, `${ka} ${describeToken(a)} is coloured like ${kb} ${describeToken(b)}`);
      }
    }

    // The same kind looks the same in two places (the other places are further down the file: go there too).
    await goToLine(URINE_LINE, 'when sum(urine-output, last 8 h)');
    const urineLines = await settledTokens();
    await goToLine(RULER_LINE, '// ------');
    const all = [...lines, ...urineLines, ...(await settledTokens())];
    await goToLine(RULE_LINE, 'when creatinine >= 2.5');
    const same = [
      [keyword, token(all, 'when sum(urine-output, last 8 h)', 'when')],
      [token(all, 'override hold rule creatinine-high', 'hold'), token(all, 'hold rule urine-output-per-weight', 'hold')],
      [token(all, 'override hold rule creatinine-high', 'rule'), token(all, 'hold rule urine-output-per-weight', 'rule')],
      // Keywords the grammar scopes differently (storage.type, keyword.other.action, keyword.other), alike once
      // the server's semantic tokens call each a keyword.
      [protocolKeyword, token(all, 'hold rule urine-output-per-weight', 'rule')],
      [keyword, token(all, 'hold rule urine-output-per-weight', 'hold')],
      [keyword, token(all, 'hold rule urine-output-per-weight', 'rule')],
      [unit, token(all, '< 4 mL/kg x weight', 'mL/kg')],
      [unit, token(all, 'when sum(urine-output, last 8 h)', 'h')],
      [name, token(all, 'when sum(urine-output, last 8 h)', 'urine-output')],
      [comment, token(all, '// ------', '// --------')],
      [string, token(all, 'hold rule urine-output-per-weight', '"Urine output below')],
    ];
    for (const [a, b] of same) {
      assert.equal(a.cls, b.cls, `${describeToken(a)} and ${describeToken(b)} should look the same`);
    }
    assert.ok(keyword.cls && unit.cls && name.cls, 'tokens carry theme classes');
    await page.screenshot({ path: path.join(shots, 'vscode-highlighting.png') });
  });

  step('diagnostics: a broken unit shows IL0201 in the Problems panel, undo clears it', 90_000, async () => {
    await goToLine(RULE_LINE, 'when creatinine >= 2.5 mg/dL');
    await page.keyboard.press('End');
    for (let i = 0; i < 'mg/dL'.length; i++) await page.keyboard.press('Shift+ArrowLeft');
    await page.keyboard.type('mmHg');
    await sourceLine('when creatinine >= 2.5 mmHg').waitFor({ timeout: UI_MS });

    await page.keyboard.press('Control+Shift+m');
    // The row of the whole word: under load the server may first report a half-typed 'mmH'.
    const problem = page.locator('.markers-panel .monaco-list-row', { hasText: 'IL0201' }).filter({ hasText: "'mmHg'" });
    await problem.waitFor({ timeout: 30_000 }).catch(async () => {
      const shown = await page.locator('.markers-panel').innerText().catch(() => '(no Problems panel)');
      assert.fail(`no IL0201 in the Problems panel within 30 s; it shows: ${shown}`);
    });
    const text = await problem.innerText();
    assert.match(text, /unknown unit 'mmHg'/i, `the problem names the unit: ${text}`);
    assert.match(text, new RegExp(`Ln ${RULE_LINE}\\b`), `the problem is on line ${RULE_LINE}: ${text}`);
    await sourceEditor().locator('.squiggly-error').first().waitFor({ timeout: UI_MS });
    await page.screenshot({ path: path.join(shots, 'vscode-diagnostic.png') });

    await page.keyboard.press('Control+1'); // back to the editor
    await page.keyboard.press('Control+z');
    await sourceLine('when creatinine >= 2.5 mg/dL').waitFor({ timeout: UI_MS });
    await problem.waitFor({ state: 'detached', timeout: 30_000 }).catch(() => {
      assert.fail('the IL0201 problem is still listed 30 s after undoing the edit');
    });
    await page.locator('.markers-panel', { hasText: 'No problems have been detected' }).waitFor({ timeout: UI_MS });
    await page.keyboard.press('Control+j'); // hide the panel again
  });

  step('hover: an observation in a rule shows its title and LOINC code', 60_000, async () => {
    await page.keyboard.press('Control+1');
    await goToLine(RULE_LINE, 'when creatinine >= 2.5 mg/dL');
    const word = sourceLine('when creatinine >= 2.5 mg/dL').locator('span span', { hasText: /^creatinine$/ });
    const hover = page.locator('.monaco-hover:visible', { hasText: 'Serum creatinine' });
    let shown = false;
    for (let attempt = 0; attempt < 3 && !shown; attempt++) {
      await page.mouse.move(5, 5);
      await word.hover();
      shown = await hover
        .first()
        .waitFor({ timeout: 10_000 })
        .then(() => true)
        .catch(() => false);
    }
    const any = await page.locator('.monaco-hover:visible').allInnerTexts();
    assert.ok(shown, `a hover with 'Serum creatinine' appears over 'creatinine' (hovers shown: ${JSON.stringify(any)})`);
    const text = await hover.first().innerText();
    assert.match(text, /observation creatinine/, `hover names the observation: ${text}`);
    assert.match(text, /LOINC 2160-0/, `hover gives the LOINC code: ${text}`);
    assert.match(text, /overrides the observation of protocol hd-il2-monotherapy/, `hover says which observation it tightens: ${text}`);
    await page.screenshot({ path: path.join(shots, 'vscode-hover.png') });
    await page.mouse.move(5, 5);
    await page.keyboard.press('Escape');
  });

  step('"IL-2 Protocols: Show Generated C#" opens the generated C# read-only beside the source', 60_000, async () => {
    await page.keyboard.press('Control+1');
    await quickInput('F1', '>IL-2 Protocols: Show Generated C#');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Show Generated C#' }).first().waitFor({ timeout: UI_MS });
    await page.keyboard.press('Enter');

    const generated = page.locator('.monaco-editor[data-uri^="il2-generated:"]').first();
    await generated.waitFor({ timeout: 30_000 });
    const classLine = generated.locator('.view-line', { hasText: 'class CompiledRules' });
    await classLine.waitFor({ timeout: 30_000 }).catch(async () => {
      const first = await generated.locator('.view-line').allInnerTexts();
      assert.fail(`the generated editor shows no 'class CompiledRules'; its first lines: ${JSON.stringify(first.slice(0, 8))}`);
    });
    assert.match(await classLine.innerText(), /ProtocolRules/, 'CompiledRules derives from ProtocolRules');
    assert.ok(
      await page.locator('.tab.active', { hasText: `${FILE}.cs` }).count() > 0,
      `a tab '${FILE}.cs' is active`,
    );

    // Beside: its own editor group, right of the source, which stays visible.
    const src = await sourceEditor().boundingBox();
    const gen = await generated.boundingBox();
    assert.ok(src && gen && gen.x >= src.x + src.width - 1, `the generated C# is right of the source (source ${JSON.stringify(src)}, generated ${JSON.stringify(gen)})`);

    // Read-only: typing into it is refused with VS Code's message, and the text stays.
    const before = await generated.locator('.view-line').first().innerText();
    await classLine.click();
    await page.keyboard.type('x');
    await page.locator('.monaco-editor-overlaymessage', { hasText: /read-?only/i }).waitFor({ timeout: UI_MS }).catch(() => {
      assert.fail('typing into the generated C# did not show the read-only message');
    });
    assert.equal(await generated.locator('.view-line').first().innerText(), before, 'the generated text did not change');
    assert.ok(!(await classLine.innerText()).includes('x class'), 'nothing was typed into the generated C#');
  });

  step('quick fix: a mistyped observation is fixed from the light bulb with the compiler\'s did-you-mean', 90_000, async () => {
    await page.keyboard.press('Control+1');
    await goToLine(RULE_LINE, 'when creatinine >= 2.5 mg/dL');
    // Select the word with the keyboard (Home: the first non-blank, 'when'), type the typo, close the suggestions.
    await page.keyboard.press('End');
    await page.keyboard.press('Home');
    for (let i = 0; i < 'when '.length; i++) await page.keyboard.press('ArrowRight');
    for (let i = 0; i < 'creatinine'.length; i++) await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.type('creatinin');
    await page.keyboard.press('Escape');
    await sourceLine('when creatinin >= 2.5 mg/dL').waitFor({ timeout: UI_MS });
    await sourceEditor().locator('.squiggly-error').first().waitFor({ timeout: 30_000 }).catch(() => {
      assert.fail("no error squiggle under 'creatinin' within 30 s");
    });
    await page.keyboard.press('ArrowLeft');
    const fix = page.locator('.action-widget .monaco-list-row', { hasText: "Change to 'creatinine'" });
    let shown = false;
    for (let attempt = 0; attempt < 3 && !shown; attempt++) {
      await page.keyboard.press('Control+.');
      shown = await fix.first().waitFor({ timeout: 10_000 }).then(() => true).catch(() => false);
      if (!shown) await page.keyboard.press('Escape');
    }
    const offered = await page.locator('.action-widget').allInnerTexts().catch(() => []);
    assert.ok(shown, `the light bulb offers "Change to 'creatinine'" (it shows: ${JSON.stringify(offered)})`);
    await page.screenshot({ path: path.join(shots, 'vscode-quick-fix.png') });
    await fix.first().click();
    await sourceLine('when creatinine >= 2.5 mg/dL').waitFor({ timeout: UI_MS });
    await sourceEditor().locator('.squiggly-error').first().waitFor({ state: 'detached', timeout: 30_000 }).catch(() => {
      assert.fail('the error squiggle is still shown 30 s after the quick fix');
    });
    await page.keyboard.press('Control+s');
  });

  step('format: Ctrl+K Ctrl+F formats the .il2 file in the browser build (the layout of il2 fmt)', 60_000, async () => {
    await page.keyboard.press('Control+1');
    await goToLine(RULE_LINE, 'when creatinine >= 2.5 mg/dL');
    // The rule's condition (the rule's title, "Creatinine 2.5 mg/dL or more", has no '>=').
    const line = sourceLine('>= 2.5 mg/dL').filter({ hasText: 'creatinine' }).first();
    // VS Code renders spaces as no-break spaces, and Playwright's text matching collapses runs of them: read the text.
    const text = async () => (await line.innerText()).replace(/\u00a0/g, ' ').trim();
    const until = async (want, what) => {
      const deadline = Date.now() + UI_MS;
      while ((await text()) !== want) {
        if (Date.now() > deadline) assert.fail(`${what}: the line reads '${await text()}', not '${want}'`);
        await page.waitForTimeout(250);
      }
    };
    await page.keyboard.press('End');
    await page.keyboard.press('Home');
    for (let i = 0; i < 'when'.length; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.type('   ');
    await page.keyboard.press('Escape');
    await until('when    creatinine >= 2.5 mg/dL', 'three spaces typed after when');
    await page.keyboard.press('Control+k');
    await page.keyboard.press('Control+f');
    await until('when creatinine >= 2.5 mg/dL', 'Ctrl+K Ctrl+F formatted the file');
    assert.equal(await page.locator('.menubar-menu-items-holder:visible').count(), 0, 'no menu of the menu bar opened');
    assert.equal(await sourceEditor().locator('.find-widget.visible').count(), 0, 'the find widget did not open');
    await page.keyboard.press('Control+s');
  });

  step('evaluate lens: above a rule, how it comes out on the file\'s scenarios; Run and Debug above each scenario', 90_000, async () => {
    await page.keyboard.press('Control+1');
    await goToLine(URINE_RULE_LINE, 'hold rule urine-output-per-weight');
    const lens = page.locator('.codelens-decoration:visible', { hasText: /fires in/ });
    await lens.first().waitFor({ timeout: 30_000 }).catch(async () => {
      const shown = await page.locator('.codelens-decoration').allInnerTexts();
      assert.fail(`no evaluate lens 'fires in ...' within 30 s; lenses shown: ${JSON.stringify(shown)}`);
    });
    const texts = await lens.allInnerTexts();
    assert.ok(
      texts.some((t) => new RegExp(`^fires in (\\d+|none) of ${SCENARIOS} scenarios`).test(t.trim())),
      `an evaluate lens counts the file's ${SCENARIOS} scenarios: ${JSON.stringify(texts)}`,
    );
    await goToLine(URINE_SCENARIO_LINE, URINE_SCENARIO);
    await page.locator('.codelens-decoration:visible', { hasText: 'Debug' }).first().waitFor({ timeout: 30_000 });
    await lensAbove(`scenario "${URINE_SCENARIO}"`, 'Debug');
    await lensAbove(`scenario "${URINE_SCENARIO}"`, 'Run');
    await goToLine(URINE_RULE_LINE, 'hold rule urine-output-per-weight');
    await lens.first().waitFor({ timeout: UI_MS });
    await page.screenshot({ path: path.join(shots, 'vscode-evaluate-lens.png') });
  });

  step('Testing view: a protocol that was never opened is listed with its scenarios', 90_000, async () => {
    await quickInput('F1', '>Testing: Focus on Test Explorer View');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Focus on Test Explorer View' }).first().waitFor({ timeout: UI_MS });
    await page.keyboard.press('Enter');
    const row = page.locator('.test-explorer .monaco-list-row', { hasText: UNOPENED });
    await row.first().waitFor({ timeout: 30_000 }).catch(async () => {
      const rows = await page.locator('.test-explorer .monaco-list-row').allInnerTexts();
      assert.fail(`the Testing view does not list ${UNOPENED} within 30 s; it lists: ${JSON.stringify(rows)}`);
    });
    assert.equal(await page.locator(`.tab[aria-label*="${UNOPENED}"]`).count(), 0, `${UNOPENED} was never opened in an editor`);
    // Expanded, the file shows its scenarios.
    const expanded = await row.first().getAttribute('aria-expanded');
    if (expanded !== 'true') await row.first().click();
    await page.locator('.test-explorer .monaco-list-row', { hasText: 'SBP 84 mm[Hg] holds the dose' }).first().waitFor({ timeout: UI_MS });
    await page.screenshot({ path: path.join(shots, 'vscode-testing.png') });
    // Before any run, the extending protocol lists the base's scenarios it inherits (fold the base's 100-odd rows away).
    await row.first().click();
    await page.locator('.test-explorer .monaco-list-row[aria-expanded="false"]', { hasText: UNOPENED }).first().waitFor({ timeout: UI_MS });
    const extending = page.locator('.test-explorer .monaco-list-row', { hasText: FILE }).first();
    if ((await extending.getAttribute('aria-expanded')) !== 'true') await extending.click();
    // The group comes after the file's own 33 scenarios, below the fold of the (virtual) list: End goes to the last row.
    await page.keyboard.press('End');
    await page.locator('.test-explorer .monaco-list-row', { hasText: 'inherited from hd-il2-monotherapy' }).first().waitFor({ timeout: UI_MS }).catch(async () => {
      const rows = await page.locator('.test-explorer .monaco-list-row').allInnerTexts();
      assert.fail(`${FILE} shows no 'inherited from hd-il2-monotherapy' before any run; the view lists: ${JSON.stringify(rows)}`);
    });
  });

  step('debugger: the Debug lens starts il2 dap, which stops at a breakpoint on a rule and shows its variables', 120_000, async () => {
    await page.keyboard.press('Control+1');
    await goToLine(URINE_RULE_LINE, 'hold rule urine-output-per-weight');
    await sourceLine('hold rule urine-output-per-weight').click();
    await page.keyboard.press('F9');
    await sourceEditor().locator('.codicon-debug-breakpoint').first().waitFor({ timeout: UI_MS }).catch(() => {
      assert.fail(`F9 set no breakpoint on line ${URINE_RULE_LINE}`);
    });

    await goToLine(URINE_SCENARIO_LINE, URINE_SCENARIO);
    await page.locator('.codelens-decoration:visible', { hasText: 'Debug' }).first().waitFor({ timeout: 30_000 });
    await (await lensAbove(`scenario "${URINE_SCENARIO}"`, 'Debug')).click();

    // Stopped at the rule: its line is the top stack frame's, and the Variables view shows the rule's scope.
    await sourceEditor().locator('.debug-top-stack-frame-line').first().waitFor({ timeout: 60_000 }).catch(async () => {
      const sidebar = await page.locator('.part.sidebar').innerText().catch(() => '');
      assert.fail(`the debugger did not stop within 60 s; the side bar shows: ${sidebar.slice(0, 400)}`);
    });
    await sourceLine('hold rule urine-output-per-weight').waitFor({ timeout: UI_MS });
    const variables = page.locator('.part.sidebar .monaco-list-row');
    const when = variables.filter({ hasText: 'sum(urine-output, last 8 h) < 4 mL/kg x weight' });
    // The scopes: Rule (this frame's), Scenario, Decision so far. Expand the rule's unless VS Code already did.
    const ruleScope = variables.filter({ hasText: /^Rule$/ }).first();
    await ruleScope.waitFor({ timeout: 30_000 });
    if ((await ruleScope.getAttribute('aria-expanded')) !== 'true') await ruleScope.click();
    await when.first().waitFor({ timeout: 30_000 }).catch(async () => {
      assert.fail(`the Variables view does not show the rule's condition; it shows: ${JSON.stringify(await variables.allInnerTexts())}`);
    });
    const value = variables.filter({ hasText: /^value/ });
    assert.match(await value.first().innerText(), /true/, 'the rule fires on this scenario (250 mL < 280 mL)');
    await variables.filter({ hasText: /^inputs/ }).first().click();
    const sum = variables.filter({ hasText: '250 mL over 2 values' });
    await sum.first().waitFor({ timeout: UI_MS }).catch(async () => {
      assert.fail(`the rule's input shows no '250 mL over 2 values'; rows: ${JSON.stringify(await variables.allInnerTexts())}`);
    });
    await page.screenshot({ path: path.join(shots, 'vscode-debug.png') });
    await page.keyboard.press('Shift+F5');
  });

  step('"Compare with Committee Version" renders the review packet in one read-only preview tab, nothing to save', 90_000, async () => {
    // Twice: comparing again refreshes the same tab.
    for (let round = 1; round <= 2; round++) {
      // A click in the protocol's editor: after the first round the focus is inside the preview's webview, which
      // does not pass Control+1 or F1 on to the workbench.
      await page.locator('.editor-group-container').first().locator('.view-lines').first().click();
      await page.keyboard.press('Control+1');
      await quickInput('F1', '>IL-2 Protocols: Compare with Committee Version');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Compare with Committee Version' }).first().waitFor({ timeout: UI_MS });
      await page.keyboard.press('Enter');
      const revision = page.locator('.quick-input-widget input');
      await page.locator('.quick-input-widget', { hasText: 'the version the committee reviewed' }).waitFor({ timeout: UI_MS });
      assert.equal(await revision.inputValue(), 'HEAD', 'the revision defaults to il2.committeeRevision (HEAD)');
      await page.keyboard.press('Enter');
      await page.locator('.tab', { hasText: 'committee-diff' }).first().waitFor({ timeout: 60_000 }).catch(async () => {
        const tabs = await page.locator('.tab').allInnerTexts();
        const notes = await page.locator('.notifications-toasts').innerText().catch(() => '');
        assert.fail(`comparison ${round}: no review packet tab within 60 s; tabs: ${JSON.stringify(tabs)}; notifications: ${notes}`);
      });
    }
    const packet = page
      .frameLocator('iframe.webview.ready')
      .frameLocator('#active-frame')
      .locator('body', { hasText: 'Protocol change review: post-til-il2' });
    await packet.first().waitFor({ timeout: 30_000 }).catch(() => {
      assert.fail('the preview does not render the review packet (no heading "Protocol change review: post-til-il2")');
    });
    assert.equal(
      await packet.first().locator('h1', { hasText: 'Protocol change review' }).count(),
      1,
      'the Markdown is rendered (a heading), not shown as text',
    );
    const tabs = await page.locator('.tab').allInnerTexts();
    assert.equal(tabs.filter((t) => t.includes('committee-diff')).length, 1, `one tab holds the packet: ${JSON.stringify(tabs)}`);
    assert.equal(await page.locator('.monaco-editor[data-uri^="il2-compare:"]').count(), 0, 'no text editor of the diff');
    assert.equal(await page.locator('.tab.dirty').count(), 0, `no tab has unsaved changes: ${JSON.stringify(tabs)}`);
    assert.ok(!tabs.some((t) => /^Untitled/.test(t.trim())), `no untitled buffer: ${JSON.stringify(tabs)}`);
    await page.screenshot({ path: path.join(shots, 'vscode-compare.png') });
  });
});
