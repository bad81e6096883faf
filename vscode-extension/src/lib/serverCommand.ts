// How the language server is started. No `vscode` import here: unit-tested with node --test.
import * as path from 'node:path';
import * as os from 'node:os';

export interface ServerCommand {
  /** The program to execute. */
  readonly command: string;
  /** Its arguments; the last one is the command: `lsp` (the language server) or `dap` (the debug adapter). */
  readonly args: readonly string[];
  /** The file that must exist for the server to start, or undefined when the command is looked up on PATH. */
  readonly requiredFile: string | undefined;
  /** Where the command came from, for messages. */
  readonly source: 'bundled' | 'setting';
}

export interface ServerCommandInput {
  /** The extension's install folder (ExtensionContext.extensionPath). */
  readonly extensionPath: string;
  /** The `il2.server.path` setting; empty or blank means the bundled server. */
  readonly configuredPath: string | undefined;
  /** Folder that a relative `il2.server.path` is resolved against (the first workspace folder), if any. */
  readonly workspaceFolder?: string | undefined;
  /** The dotnet host to run `.dll` servers with. */
  readonly dotnet?: string | undefined;
  /** The home folder used to expand a leading `~`. */
  readonly homeDir?: string | undefined;
}

/** The bundled server, relative to the extension folder (filled by scripts/bundle-server.sh). */
export const BUNDLED_SERVER = path.join('server', 'il2.dll');

export function resolveServerCommand(input: ServerCommandInput): ServerCommand {
  const dotnet = input.dotnet ?? 'dotnet';
  const configured = input.configuredPath?.trim() ?? '';
  if (configured === '') {
    const dll = path.join(input.extensionPath, BUNDLED_SERVER);
    return { command: dotnet, args: [dll, 'lsp'], requiredFile: dll, source: 'bundled' };
  }

  let serverPath = configured;
  if (serverPath === '~' || serverPath.startsWith('~/') || serverPath.startsWith('~\\')) {
    serverPath = path.join(input.homeDir ?? os.homedir(), serverPath.slice(1));
  }
  const looksLikeBareCommand = !serverPath.includes('/') && !serverPath.includes('\\');
  if (!path.isAbsolute(serverPath) && !looksLikeBareCommand && input.workspaceFolder !== undefined) {
    serverPath = path.resolve(input.workspaceFolder, serverPath);
  }

  if (serverPath.toLowerCase().endsWith('.dll')) {
    return { command: dotnet, args: [serverPath, 'lsp'], requiredFile: serverPath, source: 'setting' };
  }
  return {
    command: serverPath,
    args: ['lsp'],
    // A bare name such as `il2` is looked up on PATH by the operating system.
    requiredFile: looksLikeBareCommand ? undefined : serverPath,
    source: 'setting',
  };
}

/** The command line as a person would type it, for messages and the output channel. */
export function describeServerCommand(command: ServerCommand): string {
  const quote = (s: string): string => (/[\s"']/.test(s) ? JSON.stringify(s) : s);
  return [command.command, ...command.args].map(quote).join(' ');
}

/** The debug adapter: the same `il2` the language server runs, with `dap` instead of `lsp`. */
export function debugAdapterCommand(server: ServerCommand): ServerCommand {
  return { ...server, args: [...server.args.slice(0, -1), 'dap'] };
}
