using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Tests.Infrastructure;
using IlTwo.Dsl.Text;

namespace IlTwo.Dsl.Tests;

/// <summary>
/// Baselines of the shipped protocols under Baselines/&lt;protocol&gt;/: syntax.txt, symbols.txt, diagnostics.txt.
/// Refresh with <c>IL2_UPDATE_BASELINES=1 dotnet test tests/IlTwo.Dsl.Tests</c> and review the diff.
/// </summary>
public sealed class BaselineTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in Directory.GetFiles(TestPaths.Protocols, "*.il2").Order(StringComparer.Ordinal))
        {
            foreach (var kind in new[] { "syntax", "symbols", "diagnostics" })
            {
                data.Add(Path.GetFileNameWithoutExtension(file), kind);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ShippedProtocol_MatchesBaseline(string protocol, string kind)
    {
        var path = Path.Combine(TestPaths.Protocols, protocol + ".il2");
        var compilation = ProtocolCompilation.Create(SourceText.FromBytes(File.ReadAllBytes(path), path));
        var actual = kind switch
        {
            "syntax" => SymbolDumper.Syntax(compilation),
            "symbols" => SymbolDumper.Dump(compilation.Protocol),
            _ => SymbolDumper.Diagnostics(compilation, $"protocols/{protocol}.il2"),
        };

        var baseline = Path.Combine(TestPaths.Baselines, protocol, kind + ".txt");
        if (TestPaths.UpdateBaselines)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(baseline)!);
            File.WriteAllText(baseline, actual);
            return;
        }
        Assert.True(File.Exists(baseline), $"missing baseline {baseline}; run IL2_UPDATE_BASELINES=1 dotnet test tests/IlTwo.Dsl.Tests");
        var expected = File.ReadAllText(baseline).ReplaceLineEndings("\n");
        if (expected != actual)
        {
            var expectedLines = expected.Split('\n');
            var actualLines = actual.Split('\n');
            var first = Enumerable.Range(0, Math.Min(expectedLines.Length, actualLines.Length)).FirstOrDefault(i => expectedLines[i] != actualLines[i], Math.Min(expectedLines.Length, actualLines.Length));
            Assert.Fail($"{protocol}/{kind}.txt differs at line {first + 1}:\n  baseline: {expectedLines.ElementAtOrDefault(first)}\n  actual:   {actualLines.ElementAtOrDefault(first)}\n" +
                "If the change is intended: IL2_UPDATE_BASELINES=1 dotnet test tests/IlTwo.Dsl.Tests, then review the diff.");
        }
    }

    [Fact]
    public void EveryShippedProtocol_HasItsBaselines_AndNoStaleOnesRemain()
    {
        var protocols = Directory.GetFiles(TestPaths.Protocols, "*.il2").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal);
        string[] baselines = Directory.Exists(TestPaths.Baselines) ? [.. Directory.GetDirectories(TestPaths.Baselines).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)] : [];

        Assert.Equal(protocols, baselines);
    }
}
