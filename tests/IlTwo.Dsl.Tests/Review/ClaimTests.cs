using IlTwo.Dsl.Diagnostics;

namespace IlTwo.Dsl.Tests.Review;

/// <summary><c>claim more conservative than NAME</c>: proven, refuted with a checked patient, or undecided.</summary>
public sealed class ClaimTests
{
    [Fact]
    public void Shipped_postTil_claim_checks_clean()
    {
        var compilation = TestProtocols.Compile(TestProtocols.Shipped("post-til-il2"));
        Assert.Empty(compilation.Diagnostics);
        var claim = Assert.Single(compilation.Protocol.Claims);
        Assert.Equal("hd-il2-monotherapy", claim.TargetId);
        Assert.NotNull(claim.Target);
    }

    [Fact]
    public void Claim_is_refuted_with_a_counterexample_patient()
    {
        var path = DiffTests.EditedCopy("post-til-il2", t => t + "\noverride hold rule sbp-below-90 \"Systolic BP below 85 mm[Hg]\" {\n  when sbp < 85 mm[Hg]\n  cite proleukin-pi \"Table 2\"\n}\n");
        var diagnostic = Assert.Single(TestProtocols.Compile(path).Diagnostics, d => d.IsError);
        Assert.Equal(DiagnosticCatalog.ClaimRefuted, diagnostic.Descriptor);
        Assert.Contains("Counterexample: a patient with sbp = 8", diagnostic.Message);
        Assert.Contains("would hold (sbp-below-90)", diagnostic.Message);
    }

    [Fact]
    public void Claim_over_a_ratio_is_proven()
    {
        // The solver sees into sbp / heart-rate; IL0308 (the solver gave up or is missing) is tested in the CLI's SolverTests.
        var folder = Directory.CreateTempSubdirectory("il2-claim-").FullName;
        var corpus = Path.Combine(TestProtocols.RepositoryRoot, "tests", "IlTwo.Dsl.Tests", "Review", "Corpus");
        File.Copy(Path.Combine(corpus, "ratio-old.il2"), Path.Combine(folder, "ratio.il2"));
        var text = File.ReadAllText(Path.Combine(corpus, "ratio-new.il2"))
            .Replace("protocol ratio", "protocol ratio-strict\nclaim more conservative than ratio");
        var path = Path.Combine(folder, "ratio-strict.il2");
        File.WriteAllText(path, text);
        var compilation = TestProtocols.Compile(path);
        Assert.DoesNotContain(compilation.Diagnostics, d => d.Descriptor == DiagnosticCatalog.ClaimUndecided || d.Descriptor == DiagnosticCatalog.ClaimRefuted);
        Assert.False(compilation.HasErrors);

        // And the looser direction is refuted with a patient.
        File.WriteAllText(path, File.ReadAllText(Path.Combine(corpus, "ratio-new.il2")).Replace("< 1.1 mm[Hg].min", "< 0.9 mm[Hg].min")
            .Replace("protocol ratio", "protocol ratio-strict\nclaim more conservative than ratio"));
        var refuted = Assert.Single(TestProtocols.Compile(path).Diagnostics, d => d.IsError);
        Assert.Equal(DiagnosticCatalog.ClaimRefuted, refuted.Descriptor);
        Assert.Contains("Counterexample: a patient with", refuted.Message);
    }

    [Fact]
    public void Claim_against_an_unknown_protocol_is_an_error()
    {
        var path = DiffTests.EditedCopy("post-til-il2", t => t.Replace("claim more conservative than hd-il2-monotherapy", "claim more conservative than nowhere"));
        Assert.Contains(TestProtocols.Compile(path).Diagnostics, d => d.Descriptor == DiagnosticCatalog.InvalidClaim && d.Message.Contains("'nowhere' was not found"));
    }

    [Fact]
    public void Claim_against_itself_is_an_error()
    {
        var path = DiffTests.EditedCopy("post-til-il2", t => t.Replace("claim more conservative than hd-il2-monotherapy", "claim more conservative than post-til-il2"));
        Assert.Contains(TestProtocols.Compile(path).Diagnostics, d => d.Descriptor == DiagnosticCatalog.InvalidClaim);
    }

    [Fact]
    public void Claim_against_a_protocol_outside_the_chain_is_resolved_by_id()
    {
        // A sibling protocol (not extended) found by its id; the claim is false and the compiler says why.
        var folder = Directory.CreateTempSubdirectory("il2-claim-").FullName;
        var corpus = Path.Combine(TestProtocols.RepositoryRoot, "tests", "IlTwo.Dsl.Tests", "Review", "Corpus");
        File.Copy(Path.Combine(corpus, "mixed-old.il2"), Path.Combine(folder, "first.il2"));
        var path = Path.Combine(folder, "mixed-strict.il2");
        File.WriteAllText(path, File.ReadAllText(Path.Combine(corpus, "mixed-new.il2")).Replace("protocol mixed", "protocol mixed-strict\nclaim more conservative than mixed"));
        var diagnostic = Assert.Single(TestProtocols.Compile(path).Diagnostics, d => d.IsError);
        Assert.Equal(DiagnosticCatalog.ClaimRefuted, diagnostic.Descriptor);
        Assert.Contains("sbp = ", diagnostic.Message);
    }

    [Fact]
    public void Diagnostic_codes_are_unique()
    {
        Assert.Equal(DiagnosticCatalog.All.Length, DiagnosticCatalog.All.Select(d => d.Code).Distinct().Count());
    }
}
