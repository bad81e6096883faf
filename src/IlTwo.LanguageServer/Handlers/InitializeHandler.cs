using IlTwo.LanguageServer.Protocol;
using StreamJsonRpc;

namespace IlTwo.LanguageServer.Handlers;

/// <summary>
/// <c>initialize</c>: answers with the capabilities of exactly the handlers registered, and reads the client's
/// <c>initializationOptions</c> (<c>diagnosticDocsBaseUri</c>: where the diagnostic pages are published).
/// </summary>
internal sealed class InitializeHandler(ServerContext context) : ILanguageServerHandler
{
    public const string ServerName = "il2";

    [JsonRpcMethod("initialize")]
    public InitializeResult Initialize(InitializeParams request)
    {
        context.Log.Info($"initialize: processId={request.ProcessId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}, rootUri={request.RootUri?.OriginalString ?? "none"}");
        ReadDocsBaseUri(request.InitializationOptions);
        return new InitializeResult(BuildCapabilities(context.Handlers), new ServerInfo(ServerName, typeof(InitializeHandler).Assembly.GetName().Version?.ToString()));
    }

    private void ReadDocsBaseUri(System.Text.Json.JsonElement? options)
    {
        if (options is not { ValueKind: System.Text.Json.JsonValueKind.Object } o || !o.TryGetProperty(DocsBaseUriOption, out var value))
        {
            return;
        }

        var text = value.ValueKind == System.Text.Json.JsonValueKind.String ? value.GetString() : null;
        if (Workspace.DiagnosticConverter.ParseDocsBaseUri(text) is { } uri)
        {
            context.Diagnostics.DocsBaseUri = uri;
        }
        else if (value.ValueKind != System.Text.Json.JsonValueKind.Null)
        {
            context.Log.Warning($"initialize: ignoring {DocsBaseUriOption} '{value}': not an absolute http, https or file URI");
        }
    }

    public const string DocsBaseUriOption = "diagnosticDocsBaseUri";

    internal static ServerCapabilities BuildCapabilities(IEnumerable<ILanguageServerHandler> handlers) =>
        handlers.Aggregate(new ServerCapabilities(), (capabilities, handler) => handler.Advertise(capabilities));
}
