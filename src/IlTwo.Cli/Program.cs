// Placeholder until the CLI lands: only `il2 lsp` (the language server on stdio) is served.
if (args is ["lsp", ..])
    return await IlTwo.LanguageServer.LanguageServerHost.RunStdioAsync();
return 0;
