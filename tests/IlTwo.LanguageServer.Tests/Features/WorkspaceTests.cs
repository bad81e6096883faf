using IlTwo.LanguageServer.Protocol;
using IlTwo.LanguageServer.Tests.Infrastructure;
using static IlTwo.LanguageServer.Tests.Features.ProtocolFiles;

namespace IlTwo.LanguageServer.Tests.Features;

public sealed class WorkspaceTests
{
    private static readonly Uri Base = new("file:///nowhere/base-protocol.il2");
    private static readonly Uri Child = new("file:///nowhere/child-protocol.il2");

    private const string BaseText = "protocol base-protocol\ntitle \"B\"\nversion 1.0.0\nregimen {\n  drug aldesleukin\n  dose 600000 [iU]/kg\n  every 8 h\n  unverified \"test\"\n}\nobservation sbp \"SBP\" {\n  unit mm[Hg]\n  within 4 h\n}\nhold rule low \"Low\" {\n  when sbp < 90 mm[Hg]\n  unverified \"test\"\n}\n";

    private const string ChildText = "protocol child-protocol\ntitle \"C\"\nversion 1.0.0\nextends base-protocol\nhold rule very-low \"Very low\" {\n  when sbp < 70 mm[Hg]\n  unverified \"test\"\n}\n";

    [Fact]
    public async Task Extends_resolves_to_an_open_document_that_is_on_no_disk()
    {
        await using var client = await StartWithAsync((Base, BaseText), (Child, ChildText));

        var published = await client.WaitForDiagnosticsAsync(Child, p => p.Version == 1);

        Assert.DoesNotContain(published.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
    }

    [Fact]
    public async Task Changing_the_base_republishes_the_child()
    {
        await using var client = await StartWithAsync((Base, BaseText), (Child, ChildText));
        await client.WaitForDiagnosticsAsync(Child, p => !p.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error));

        // Rename the observation in the base only: the child's `sbp` no longer resolves.
        var at = PositionOf(BaseText, "observation sbp", "observation ".Length);
        await client.ChangeAsync(Base, 2, LspTestClient.Edit(at.Line, at.Character, at.Line, at.Character + 3, "systolic"));

        var published = await client.WaitForDiagnosticsAsync(Child, p => p.Diagnostics.Any(d => d.Code == "IL0105"));
        Assert.Contains(published.Diagnostics, d => d.Message.Contains("sbp", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Diagnostics_come_first_without_then_with_the_analysis_warnings()
    {
        var text = ChildText.Replace("sbp < 70 mm[Hg]", "sbp < 70 mm[Hg] and sbp > 80 mm[Hg]", StringComparison.Ordinal);
        await using var client = await StartWithAsync((Base, BaseText), (Child, text));

        var published = await client.WaitForDiagnosticsAsync(Child, p => p.Diagnostics.Any(d => d.Code == "IL0301"));

        Assert.Equal("il2", Assert.Single(published.Diagnostics, d => d.Code == "IL0301").Source);
    }
}
