using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Evaluation;
using IlTwo.Dsl.Text;

namespace IlTwo.Dsl.Tests.Review;

public sealed class CanonicalSourceTests
{
    private static string CopyShipped()
    {
        var folder = Directory.CreateTempSubdirectory("il2-canonical-").FullName;
        foreach (var file in Directory.GetFiles(TestProtocols.ProtocolsFolder, "*.il2"))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        return folder;
    }

    private static string HashOf(string path) => CanonicalSource.Hash(TestProtocols.Compile(path));

    private static void Edit(string path, Func<string, string> change)
    {
        var before = File.ReadAllText(path);
        var after = change(before);
        Assert.NotEqual(before, after);
        File.WriteAllText(path, after);
    }

    [Fact]
    public void The_chain_text_has_one_header_per_file_root_first_and_no_comments()
    {
        var text = CanonicalSource.ChainText(TestProtocols.Compile(TestProtocols.Shipped("post-til-il2")));

        Assert.StartsWith("// il2-canonical hd-il2-monotherapy\n", text, StringComparison.Ordinal);
        Assert.Contains("\n// il2-canonical post-til-il2\n", text, StringComparison.Ordinal);
        Assert.Equal(2, text.Split("// ").Length - 1);
        Assert.DoesNotContain("Every threshold comes from", text, StringComparison.Ordinal);
        Assert.Contains("hold rule urine-output-per-weight", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ProtocolInfo_carries_the_canonical_hash_compiled_and_interpreted()
    {
        var compilation = TestProtocols.Compile(TestProtocols.Shipped("post-til-il2"));
        using var compiled = TestProtocols.Load(compilation);

        var hash = CanonicalSource.Hash(compilation);
        Assert.Matches("^[0-9a-f]{64}$", hash);
        Assert.Equal(hash, compiled.Info.CanonicalHash);
        Assert.Equal(hash, new ProtocolInterpreter(compilation).Info.CanonicalHash);
        Assert.NotEqual(compilation.SourceHash, hash);
    }

    [Fact]
    public void Comments_and_layout_do_not_change_the_hash()
    {
        var folder = CopyShipped();
        var path = Path.Combine(folder, "post-til-il2.il2");
        var original = HashOf(path);

        Edit(path, s => s.Replace("// Four doses given", "// Reviewed 2026: four doses given", StringComparison.Ordinal) + "\n// a trailing remark\n");
        Assert.Equal(original, HashOf(path));

        Edit(path, s => s.Replace("\n  ", "\n      ", StringComparison.Ordinal).Replace("hold rule ", "hold   rule ", StringComparison.Ordinal).Replace("\n\n", "\n\n\n", StringComparison.Ordinal));
        Assert.Equal(original, HashOf(path));

        var edited = TestProtocols.Compile(path);
        Assert.NotEqual(TestProtocols.Compile(TestProtocols.Shipped("post-til-il2")).SourceHash, edited.SourceHash);
    }

    [Fact]
    public void A_threshold_change_changes_the_hash()
    {
        var folder = CopyShipped();
        var path = Path.Combine(folder, "post-til-il2.il2");
        var original = HashOf(path);

        Edit(path, s => s.Replace("< 4 mL/kg x weight", "< 5 mL/kg x weight", StringComparison.Ordinal));

        Assert.NotEqual(original, HashOf(path));
    }

    [Fact]
    public void A_change_in_the_base_protocol_changes_the_derived_hash()
    {
        var folder = CopyShipped();
        var path = Path.Combine(folder, "post-til-il2.il2");
        var original = HashOf(path);

        Edit(Path.Combine(folder, "hd-il2-monotherapy.il2"), s => s.Replace("when creatinine >= 3 mg/dL", "when creatinine >= 3.5 mg/dL", StringComparison.Ordinal));

        Assert.NotEqual(original, HashOf(path));
    }

    [Fact]
    public void A_comment_marker_inside_a_string_is_not_a_comment()
    {
        var a = ProtocolCompilation.Create(SourceText.From("protocol p\ntitle \"a // b\"\nversion 1.0.0\n"));
        var b = ProtocolCompilation.Create(SourceText.From("protocol p\ntitle \"a // c\"\nversion 1.0.0\n"));

        Assert.NotEqual(CanonicalSource.Hash(a), CanonicalSource.Hash(b));
        Assert.Contains("title \"a // b\"", CanonicalSource.ChainText(a), StringComparison.Ordinal);
    }
}
