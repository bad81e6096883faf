// Finds the `scenario "title" ... { ... }` declarations of a .il2 text, so that the Test Explorer lists
// them before they first run. The server's il2/runScenarios result stays the authority: its ranges
// replace these. No `vscode` import here: unit-tested with node --test.

export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

export interface DiscoveredScenario {
  /** The title with escapes resolved as the compiler does (\" \\ \n \t). */
  readonly title: string;
  /** From the `scenario` keyword to the closing brace (or the title, when the body is missing). */
  readonly range: Range;
  /** `override scenario`: it replaces the base protocol's scenario of the same title. */
  readonly override?: boolean;
}

type Token =
  | { kind: 'name'; text: string; start: Position; end: Position }
  | { kind: 'string'; text: string; start: Position; end: Position }
  | { kind: 'punct'; text: string; start: Position; end: Position };

const NAME = /[A-Za-z][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*/y;

/** Resolves the escapes of a string token's text (quotes included) like the compiler's Unescape. */
export function unescapeString(raw: string): string {
  const terminated = raw.length >= 2 && raw.endsWith('"') && !endsWithEscape(raw);
  const body = terminated ? raw.slice(1, -1) : raw.slice(1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body.charAt(i);
    if (c === '\\' && i + 1 < body.length) {
      i++;
      const e = body.charAt(i);
      out += e === 'n' ? '\n' : e === 't' ? '\t' : e;
    } else {
      out += c;
    }
  }
  return out;
}

function endsWithEscape(raw: string): boolean {
  let backslashes = 0;
  for (let i = raw.length - 2; i >= 1 && raw[i] === '\\'; i--) {
    backslashes++;
  }
  return backslashes % 2 === 1;
}

function* tokenize(text: string): Generator<Token> {
  let line = 0;
  let lineStart = 0;
  let i = 0;
  const pos = (offset: number): Position => ({ line, character: offset - lineStart });
  while (i < text.length) {
    const c = text.charAt(i);
    if (c === '\n') {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\u00a0' || c === '\ufeff') {
      i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
      continue;
    }
    if (c === '"') {
      const start = i;
      i++;
      while (i < text.length && text[i] !== '"' && text[i] !== '\n' && text[i] !== '\r') {
        i += text[i] === '\\' && i + 1 < text.length && text[i + 1] !== '\n' && text[i + 1] !== '\r' ? 2 : 1;
      }
      if (text[i] === '"') i++;
      yield { kind: 'string', text: text.slice(start, i), start: pos(start), end: pos(i) };
      continue;
    }
    if (/[A-Za-z]/.test(c)) {
      NAME.lastIndex = i;
      const m = NAME.exec(text);
      const end = i + (m?.[0].length ?? 1);
      yield { kind: 'name', text: text.slice(i, end), start: pos(i), end: pos(end) };
      i = end;
      continue;
    }
    yield { kind: 'punct', text: c, start: pos(i), end: pos(i + 1) };
    i++;
  }
}

export function discoverScenarios(text: string): DiscoveredScenario[] {
  const tokens = [...tokenize(text)];
  const found: DiscoveredScenario[] = [];
  for (const [k, keyword] of tokens.entries()) {
    const title = tokens[k + 1];
    if (keyword.kind !== 'name' || keyword.text !== 'scenario' || title?.kind !== 'string') {
      continue;
    }
    let end = title.end;
    // The body: `using name`? then `{ ... }`.
    let j = k + 2;
    if (tokens[j]?.kind === 'name' && tokens[j]?.text === 'using') {
      j++;
      if (tokens[j]?.kind === 'name') j++;
    }
    if (tokens[j]?.kind === 'punct' && tokens[j]?.text === '{') {
      let depth = 0;
      for (const t of tokens.slice(j)) {
        end = t.end;
        if (t.kind === 'punct' && t.text === '{') depth++;
        if (t.kind === 'punct' && t.text === '}' && --depth === 0) break;
      }
    }
    const before = tokens[k - 1];
    const override = before?.kind === 'name' && before.text === 'override';
    found.push({ title: unescapeString(title.text), range: { start: keyword.start, end }, ...(override ? { override } : {}) });
  }
  return found;
}

/**
 * Stable ids for scenarios within one file: the title, with `#2`, `#3`... for repeated titles (the
 * compiler reports a repeated title, but the Test Explorer must still show both).
 */
export function scenarioIds(titles: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return titles.map((title) => {
    const n = (seen.get(title) ?? 0) + 1;
    seen.set(title, n);
    return n === 1 ? title : `${title}#${n}`;
  });
}

/** The protocol a file declares (`protocol ID`) and the one it extends (`extends ID`), as written at its top. */
export interface ProtocolHeader {
  readonly id?: string;
  readonly extends?: string;
}

export function discoverHeader(text: string): ProtocolHeader {
  let id: string | undefined;
  let base: string | undefined;
  let depth = 0;
  const tokens = [...tokenize(text)];
  for (const [k, t] of tokens.entries()) {
    if (t.kind === 'punct' && t.text === '{') depth++;
    if (t.kind === 'punct' && t.text === '}') depth--;
    const next = tokens[k + 1];
    if (depth !== 0 || t.kind !== 'name' || next?.kind !== 'name') continue;
    if (t.text === 'protocol' && id === undefined) id = next.text;
    if (t.text === 'extends' && base === undefined) base = next.text;
  }
  return { ...(id !== undefined ? { id } : {}), ...(base !== undefined ? { extends: base } : {}) };
}

/** A listed file as the Testing view knows it before any run. */
export interface ListedProtocol {
  /** The file (its URI string). */
  readonly key: string;
  readonly header: ProtocolHeader;
  readonly scenarios: readonly DiscoveredScenario[];
}

export interface InheritedScenario {
  /** The id of the protocol that declares it. */
  readonly protocol: string;
  /** That protocol's file. */
  readonly key: string;
  readonly title: string;
  readonly range: Range;
}

/**
 * The base protocols' scenarios that run against a file, as the compiler picks them (BoundProtocol.InheritedScenarios):
 * every scenario up the `extends` chain, the nearest file's version of each title, minus the ones the file overrides.
 * Bases not in the workspace contribute nothing (the server's run lists them); a cycle stops where it repeats.
 */
export function inheritedScenarios(file: ListedProtocol, byId: ReadonlyMap<string, ListedProtocol>): InheritedScenario[] {
  const all = (protocol: ListedProtocol, seen: Set<string>): InheritedScenario[] => {
    const own = protocol.scenarios.map((s) => ({ protocol: protocol.header.id ?? '', key: protocol.key, title: s.title, range: s.range }));
    const overridden = new Set(protocol.scenarios.filter((s) => s.override === true).map((s) => s.title));
    return [...own, ...up(protocol, seen).filter((s) => !overridden.has(s.title))];
  };
  const up = (protocol: ListedProtocol, seen: Set<string>): InheritedScenario[] => {
    const baseId = protocol.header.extends;
    const base = baseId === undefined ? undefined : byId.get(baseId);
    if (base === undefined || baseId === undefined || seen.has(baseId)) return [];
    return all(base, new Set([...seen, baseId]));
  };
  const overridden = new Set(file.scenarios.filter((s) => s.override === true).map((s) => s.title));
  const start = new Set(file.header.id !== undefined ? [file.header.id] : []);
  return up(file, start).filter((s) => !overridden.has(s.title));
}
