using System.Text.Json;
using IlTwo.LanguageServer.Protocol;
using IlTwo.LanguageServer.Tests.Infrastructure;

namespace IlTwo.LanguageServer.Tests.Features;

/// <summary>The shipped protocols (the child extends the monotherapy base on disk) and position helpers.</summary>
internal static class ProtocolFiles
{
    public static string Folder { get; } = FindFolder();

    public static string BasePath => Path.Combine(Folder, "hd-il2-monotherapy.il2");

    public static string ChildPath => Path.Combine(Folder, "post-til-il2.il2");

    public static Uri BaseUri => new(BasePath);

    public static Uri ChildUri => new(ChildPath);

    public static string BaseText => File.ReadAllText(BasePath);

    public static string ChildText => File.ReadAllText(ChildPath);

    /// <summary>The position of the <paramref name="occurrence"/>-th <paramref name="needle"/> in <paramref name="text"/>, plus <paramref name="delta"/> characters.</summary>
    public static Position PositionOf(string text, string needle, int delta = 0, int occurrence = 1)
    {
        var index = -1;
        for (var i = 0; i < occurrence; i++)
        {
            index = text.IndexOf(needle, index + 1, StringComparison.Ordinal);
            Assert.True(index >= 0, $"'{needle}' not found");
        }

        index += delta;
        var line = text[..index].Count(c => c == '\n');
        var lineStart = text.LastIndexOf('\n', Math.Max(0, index - 1)) + 1;
        if (index == 0)
        {
            lineStart = 0;
        }

        return new Position(line, index - lineStart);
    }

    public static async Task<LspTestClient> StartWithAsync(params (Uri Uri, string Text)[] documents)
    {
        var client = await LspTestClient.StartAsync();
        foreach (var (uri, text) in documents)
        {
            await client.OpenAsync(uri, text);
        }

        return client;
    }

    public static Task<JsonElement> RequestAsync(this LspTestClient client, string method, object parameters) => client.RequestAsync<JsonElement>(method, parameters);

    public static string[] Labels(JsonElement completion) =>
        [.. (completion.ValueKind == JsonValueKind.Array ? completion : completion.GetProperty("items")).EnumerateArray().Select(i => i.GetProperty("label").GetString()!)];

    private static string FindFolder()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "protocols", "post-til-il2.il2");
            if (File.Exists(candidate))
            {
                return Path.GetDirectoryName(candidate)!;
            }
        }

        throw new InvalidOperationException("protocols/ not found above the test output folder");
    }
}
