using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;
using IlTwo.Dsl.Emit;
using IlTwo.Dsl.Evaluation;
using IlTwo.Runtime.Protocols;

namespace IlTwo.Dsl.Tests.Emit;

public sealed class ProtocolCompilerTests
{
    public static TheoryData<string> ShippedProtocols => new() { "hd-il2-monotherapy", "post-til-il2" };

    [Theory]
    [MemberData(nameof(ShippedProtocols))]
    public void Two_builds_of_the_same_source_are_byte_identical(string name)
    {
        var first = ProtocolCompiler.Compile(TestProtocols.Compile(TestProtocols.Shipped(name)));
        var second = ProtocolCompiler.Compile(TestProtocols.Compile(TestProtocols.Shipped(name)));

        Assert.True(first.Success, string.Join("\n", first.Errors));
        Assert.Equal(first.Assembly.ToArray(), second.Assembly.ToArray());
        Assert.Equal(first.Pdb.ToArray(), second.Pdb.ToArray());
    }

    [Theory]
    [MemberData(nameof(ShippedProtocols))]
    public void Every_shipped_scenario_passes_compiled_and_interpreted(string name)
    {
        var compilation = TestProtocols.Compile(TestProtocols.Shipped(name));
        using var compiled = TestProtocols.Load(compilation);

        var interpreted = ScenarioRunner.Run(compilation, new ProtocolInterpreter(compilation));
        var emitted = ScenarioRunner.Run(compilation, compiled.Rules);

        Assert.NotEmpty(interpreted);
        Assert.All(interpreted, r => Assert.True(r.Passed, $"{r.Title}: {r.Message}"));
        Assert.All(emitted, r => Assert.True(r.Passed, $"{r.Title}: {r.Message}"));
    }

    [Fact]
    public void The_assembly_carries_its_identity_and_the_hashed_source()
    {
        var compilation = TestProtocols.Compile(TestProtocols.Shipped("post-til-il2"));
        using var compiled = TestProtocols.Load(compilation);

        Assert.Equal("post-til-il2", compiled.Info.Id);
        Assert.Equal("1.0.0", compiled.Info.Version);
        Assert.Equal(compilation.SourceHash, compiled.Info.SourceHash);
        Assert.Equal(["post-til-il2", "hd-il2-monotherapy"], compiled.Info.Lineage.ToArray());
        Assert.Equal(compilation.SourceChainText, compiled.Source);
    }

    [Fact]
    public void The_pdb_maps_rules_to_lines_of_the_protocol_files()
    {
        var compilation = TestProtocols.Compile(TestProtocols.Shipped("post-til-il2"));
        var assembly = ProtocolCompiler.Compile(compilation);
        using var provider = MetadataReaderProvider.FromPortablePdbImage([.. assembly.Pdb]);
        var pdb = provider.GetMetadataReader();

        var documents = pdb.Documents.Select(d => pdb.GetString(pdb.GetDocument(d).Name)).ToList();
        Assert.Contains(documents, d => d.EndsWith("post-til-il2.il2", StringComparison.Ordinal));
        Assert.Contains(documents, d => d.EndsWith("hd-il2-monotherapy.il2", StringComparison.Ordinal));

        // The override of creatinine-high sits on its 'when' line in the post-TIL file.
        var whenLine = File.ReadAllLines(TestProtocols.Shipped("post-til-il2")).ToList().FindIndex(l => l.Contains("when creatinine >= 2.5 mg/dL", StringComparison.Ordinal)) + 1;
        var lines = pdb.MethodDebugInformation
            .SelectMany(h => pdb.GetMethodDebugInformation(h).GetSequencePoints())
            .Where(p => !p.IsHidden && pdb.GetString(pdb.GetDocument(p.Document).Name).EndsWith("post-til-il2.il2", StringComparison.Ordinal))
            .Select(p => p.StartLine);
        Assert.Contains(whenLine, lines);
    }

    [Fact]
    public void Titles_and_citations_holding_csharp_and_quotes_stay_data()
    {
        const string hostile = "\\\"); System.IO.File.Delete(\\\"x\\\"); /* */ } class X { //";
        var text = $$"""
            protocol injection-test
            title "{{hostile}}"
            version 1.0.0
            reference ref "{{hostile}}" url "{{hostile}}"
            regimen {
              drug aldesleukin
              every 8 h
              cite ref "{{hostile}}"
            }
            observation sbp "{{hostile}}" {
              loinc 8480-6
              unit mm[Hg]
              within 4 h
            }
            hold rule sbp-low "{{hostile}}" {
              when sbp < 90 mm[Hg]
              cite ref "{{hostile}}"
              unverified "{{hostile}}"
            }
            scenario "{{hostile}}" {
              sbp 84 mm[Hg] 1 h ago
              expect hold because sbp-low
            }
            """;
        var compilation = TestProtocols.CompileText(text, "injection \" test.il2");
        Assert.DoesNotContain(compilation.Diagnostics, d => d.IsError);

        using var compiled = TestProtocols.Load(compilation);
        var rule = Assert.Single(compiled.Info.Rules);
        Assert.Equal(hostile.Replace("\\\"", "\"", StringComparison.Ordinal), rule.Title);
        Assert.All(ScenarioRunner.Run(compilation, compiled.Rules), r => Assert.True(r.Passed, r.Message));
    }

    [Theory]
    [InlineData("quote\"d.il2", "quote_d.il2")]
    [InlineData("back\\slash.il2", "back\\slash.il2")]
    [InlineData("new\nline\".il2", "new_line_.il2")]
    [InlineData("rtl\u202Egpj.il2", "rtl_gpj.il2")]
    public void A_file_name_with_a_quote_backslash_or_newline_leaves_the_generated_csharp_valid(string fileName, string lineFile)
    {
        const string Text = """
            protocol name-test
            title "File names"
            version 1.0.0
            reference ref "r"
            regimen {
              drug aldesleukin
              every 8 h
              cite ref "dosing"
            }
            observation sbp "SBP" {
              unit mm[Hg]
              within 4 h
            }
            hold rule sbp-low "Low" {
              when sbp < 90 mm[Hg]
              cite ref "row"
            }
            """;
        var folder = Directory.CreateTempSubdirectory("il2-name-").FullName;
        var compilation = Dsl.Compilation.ProtocolCompilation.Create(Dsl.Text.SourceText.From(Text, folder + "/" + fileName));
        var assembly = ProtocolCompiler.Compile(compilation);

        Assert.True(assembly.Success, string.Join("\n", assembly.Errors));
        // The C# text itself (what `il2 build` can show) parses cleanly, with one #line per rule naming the cleaned file.
        var reparsed = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(assembly.GeneratedCode);
        Assert.Empty(reparsed.GetDiagnostics());
        var directives = reparsed.GetRoot().DescendantTrivia().Select(t => t.GetStructure()).OfType<Microsoft.CodeAnalysis.CSharp.Syntax.LineDirectiveTriviaSyntax>()
            .Where(d => d.File.ValueText.Length > 0).ToList();
        Assert.Equal(lineFile, Assert.Single(directives).File.ValueText);
        Assert.DoesNotContain(assembly.GeneratedCode.Split('\n'), l => l.StartsWith("#line", StringComparison.Ordinal) && l.Count(c => c == '"') is not (0 or 2));
    }

    [Fact]
    public void A_tampered_source_resource_is_refused_by_the_loader()
    {
        var compilation = TestProtocols.Compile(TestProtocols.Shipped("hd-il2-monotherapy"));
        var assembly = ProtocolCompiler.Compile(compilation);
        var bytes = assembly.Assembly.ToArray();

        // Change one threshold inside the embedded source: the hash in the metadata no longer matches.
        var needle = Encoding.UTF8.GetBytes("when sbp < 90 mm[Hg]");
        var at = bytes.AsSpan().IndexOf(needle);
        Assert.True(at > 0);
        bytes[at + "when sbp < ".Length] = (byte)'8';

        var path = Path.Combine(Directory.CreateTempSubdirectory("il2-test-").FullName, "tampered.dll");
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<ProtocolLoadException>(() => CompiledProtocol.Load(path, CompiledProtocolLoadOptions.Development));
        Assert.Contains("hash", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_protocol_with_errors_is_not_compiled()
    {
        var compilation = TestProtocols.CompileText("protocol broken\ntitle \"b\"\nversion 1.0.0\nregimen { drug x every 8 h }\nhold rule r \"r\" { when nothing < 1 }\n");
        var assembly = ProtocolCompiler.Compile(compilation);

        Assert.False(assembly.Success);
        Assert.Contains(assembly.Errors, e => e.Contains("IL0105", StringComparison.Ordinal));
        Assert.True(assembly.Assembly.IsEmpty);
    }

    [Fact]
    public void Generated_code_reaches_only_the_engine_and_plain_values()
    {
        var compilation = TestProtocols.Compile(TestProtocols.Shipped("post-til-il2"));
        var assembly = ProtocolCompiler.Compile(compilation);
        using var pe = new PEReader(new MemoryStream([.. assembly.Assembly]));
        var metadata = pe.GetMetadataReader();

        var referenced = metadata.AssemblyReferences.Select(r => metadata.GetString(metadata.GetAssemblyReference(r).Name)).ToHashSet();
        Assert.Subset(new HashSet<string> { "System.Runtime", "System.Private.CoreLib", "IlTwo.Runtime", "System.Collections.Immutable", "System.Memory" }, referenced);
        var types = metadata.TypeReferences.Select(t => metadata.GetTypeReference(t)).Select(t => $"{metadata.GetString(t.Namespace)}.{metadata.GetString(t.Name)}").ToList();
        Assert.DoesNotContain(types, t => t.StartsWith("System.IO", StringComparison.Ordinal) || t.StartsWith("System.Net", StringComparison.Ordinal) || t.StartsWith("System.Reflection", StringComparison.Ordinal) || t.StartsWith("System.Diagnostics.Process", StringComparison.Ordinal));
    }
}
