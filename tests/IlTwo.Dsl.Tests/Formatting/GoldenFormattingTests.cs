using IlTwo.Dsl.Formatting;
using IlTwo.Dsl.Syntax;
using IlTwo.Dsl.Tests.Infrastructure;

namespace IlTwo.Dsl.Tests.Formatting;

/// <summary>
/// Golden pairs (<c>x.il2</c> → <c>x.il2.formatted</c>), the shipped protocols, idempotence and safety over all of them.
/// Refresh the expected files after a deliberate layout change with
/// <c>IL2_UPDATE_BASELINES=1 dotnet test tests/IlTwo.Dsl.Tests --filter FullyQualifiedName~Formatting</c>, then review the diff.
/// </summary>
public sealed class GoldenFormattingTests
{
    public static TheoryData<string> Goldens() => [.. FormattingCorpus.GoldenInputs().Select(Path.GetFileName).OfType<string>()];

    public static TheoryData<string> AllFiles() => [.. FormattingCorpus.AllFiles()];

    public static TheoryData<string> Shipped() => [.. FormattingCorpus.ShippedNames];

    [Fact]
    public void The_golden_folder_has_pairs()
    {
        var inputs = FormattingCorpus.GoldenInputs().ToList();
        Assert.True(inputs.Count >= 5, "expected at least five golden inputs");
        if (!TestPaths.UpdateBaselines)
        {
            foreach (var input in inputs)
            {
                Assert.True(File.Exists(input + ".formatted"), $"{Path.GetFileName(input)} has no .formatted file");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Goldens))]
    public void Golden_input_formats_to_its_expected_text(string name)
    {
        var input = Path.Combine(FormattingCorpus.GoldenFolder, name);
        var expectedPath = input + ".formatted";
        var result = ProtocolFormatter.Format(FormattingCorpus.Parse(Path.Combine("tests", "IlTwo.Dsl.Tests", "Formatting", "Golden", name)));
        Assert.False(result.HasSyntaxErrors);

        if (TestPaths.UpdateBaselines)
        {
            File.WriteAllText(expectedPath, result.Text);
        }

        Assert.Equal(File.ReadAllText(expectedPath), result.Text);
        Assert.True(result.Changed, $"{name} is meant to be badly formatted");
    }

    [Theory]
    [MemberData(nameof(Shipped))]
    public void Shipped_protocol_is_already_formatted(string name)
    {
        var result = ProtocolFormatter.Format(FormattingCorpus.Parse(Path.Combine("protocols", name + ".il2")));
        Assert.False(result.HasSyntaxErrors);
        Assert.Equal(FormattingCorpus.ReadText(TestProtocols.Shipped(name)), result.Text);
        Assert.False(result.Changed);
    }

    [Theory]
    [MemberData(nameof(AllFiles))]
    public void Formatting_is_idempotent(string file)
    {
        var once = ProtocolFormatter.Format(FormattingCorpus.Parse(file)).Text;
        var twice = ProtocolFormatter.Format(SyntaxTree.Parse(once));
        Assert.Equal(once, twice.Text);
        Assert.False(twice.Changed);
    }

    [Theory]
    [MemberData(nameof(AllFiles))]
    public void Formatting_keeps_the_structure_and_every_comment(string file)
    {
        var before = FormattingCorpus.Parse(file);
        var formatted = ProtocolFormatter.Format(before).Text;
        var after = SyntaxTree.Parse(formatted);

        Assert.Empty(after.Diagnostics.Where(d => d.IsError));
        Assert.Equal(FormattingCorpus.Structure(before), FormattingCorpus.Structure(after));
        Assert.Equal(FormattingCorpus.Comments(before), FormattingCorpus.Comments(after));
    }

    [Theory]
    [MemberData(nameof(AllFiles))]
    public void Format_edits_applied_to_the_text_give_the_formatted_text(string file)
    {
        var tree = FormattingCorpus.Parse(file);
        var text = tree.Text.Text;
        foreach (var edit in ProtocolFormatter.FormatEdits(tree).Reverse())
        {
            text = string.Concat(text.AsSpan(0, edit.Span.Start), edit.NewText, text.AsSpan(edit.Span.End));
        }

        Assert.Equal(ProtocolFormatter.Format(tree).Text, text);
    }
}
