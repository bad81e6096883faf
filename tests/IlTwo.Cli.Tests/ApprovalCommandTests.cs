using System.Text;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Emit;
using IlTwo.Dsl.Text;
using IlTwo.Runtime.Approvals;
using IlTwo.Runtime.Protocols;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace IlTwo.Cli.Tests;

/// <summary>
/// il2 keys, il2 approve, il2 build --require-approved, il2 eval --trust and the trusting loader, always on temp
/// copies of protocols/ with throw-away keys. Each attack is refused with its stable code.
/// </summary>
public sealed class ApprovalCommandTests
{
    private const string At = "2026-03-04T06:00:00Z";

    private readonly string _folder;
    private readonly string _postTil;
    private readonly string _monotherapy;
    private readonly string _approvals;
    private readonly string _output;
    private readonly string _keys;
    private readonly string _trust;
    private readonly string _patient = CliRun.Repo("protocols/examples/post-til-patient.json");

    public ApprovalCommandTests()
    {
        _folder = CliRun.TempFolder();
        foreach (var file in Directory.GetFiles(CliRun.Repo("protocols"), "*.il2"))
        {
            File.Copy(file, Path.Combine(_folder, Path.GetFileName(file)));
        }

        _postTil = Path.Combine(_folder, "post-til-il2.il2");
        _monotherapy = Path.Combine(_folder, "hd-il2-monotherapy.il2");
        _approvals = Path.Combine(_folder, "approvals.json");
        _output = Path.Combine(_folder, "out");
        _keys = Path.Combine(_folder, "keys");
        _trust = Path.Combine(_folder, "trust");
        NewKey("Pat Pharm", "pharmacist", trusted: true);
        NewKey("Phil Phys", "physician", trusted: true);
    }

    private string Key(string person, string role) => Path.Combine(_keys, $"{person.ToLowerInvariant().Replace(' ', '-')}-{role}.il2key");

    private string Entry(string person, string role) => Path.Combine(_trust, $"{person.ToLowerInvariant().Replace(' ', '-')}-{role}.pub.json");

    private void NewKey(string person, string role, bool trusted)
    {
        var run = CliRun.Of("keys", "new", "--person", person, "--role", role, "-o", _keys);
        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        if (trusted)
        {
            Directory.CreateDirectory(_trust);
            File.Copy(Path.ChangeExtension(Key(person, role), ".pub.json"), Entry(person, role));
        }
    }

    private CliRun Approve(string person, string role, params string[] extra) =>
        CliRun.Of(["approve", _postTil, "--key", Key(person, role), .. extra]);

    private void Approved(string person, string role, params string[] extra)
    {
        var run = Approve(person, role, extra);
        Assert.True(run.ExitCode == 0, run.Out + run.Error);
    }

    private void ApproveBoth(params string[] extra)
    {
        Approved("Pat Pharm", "pharmacist", extra);
        Approved("Phil Phys", "physician", extra);
    }

    private CliRun Build(params string[] extra) => CliRun.Of(["build", _postTil, "-o", _output, "--require-approved", "--trust", _trust, .. extra]);

    private static void Refused(CliRun run, string code, string words)
    {
        Assert.True(run.ExitCode == 1, $"exit {run.ExitCode}\n{run.Out}{run.Error}");
        Assert.Contains(code + ":", run.Out + run.Error, StringComparison.Ordinal);
        Assert.Contains(words, run.Out + run.Error, StringComparison.Ordinal);
    }

    private static void Edit(string path, string from, string to)
    {
        var text = File.ReadAllText(path);
        Assert.Contains(from, text, StringComparison.Ordinal);
        File.WriteAllText(path, text.Replace(from, to, StringComparison.Ordinal));
    }

    private List<string> Signatures() => [.. ApprovalSignatures.Load(_approvals).Signatures];

    private void SaveSignatures(IEnumerable<string> signatures) => new ApprovalSignatures(signatures).Save(_approvals);

    private static ProtocolAssembly CompileFile(string path)
    {
        var assembly = ProtocolCompiler.Compile(ProtocolCompilation.Create(SourceText.FromBytes(File.ReadAllBytes(path), path)));
        Assert.True(assembly.Success, string.Join("\n", assembly.Errors));
        return assembly;
    }

    // ------------------------------------------------------------ the real flow

    [Fact]
    public void Keys_are_written_owner_only_and_the_trust_store_entry_is_public()
    {
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Key("Pat Pharm", "pharmacist")));
        }

        var entry = File.ReadAllText(Entry("Pat Pharm", "pharmacist"));
        Assert.Contains("\"person\": \"Pat Pharm\"", entry, StringComparison.Ordinal);
        Assert.Contains("\"role\": \"pharmacist\"", entry, StringComparison.Ordinal);
        Assert.DoesNotContain("\"d\"", entry, StringComparison.Ordinal);

        var export = CliRun.Of("keys", "export", Key("Pat Pharm", "pharmacist"));
        Assert.Equal(entry, export.Out);

        if (OperatingSystem.IsWindows())
        {
            return;
        }

        File.SetUnixFileMode(Key("Pat Pharm", "pharmacist"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        Refused(Approve("Pat Pharm", "pharmacist"), TrustCodes.KeyFilePermissions, "may be read by others (mode 604)");
        Assert.False(File.Exists(_approvals));
    }

    [Fact]
    public void Approved_by_both_roles_builds_and_the_built_assembly_evaluates_with_the_trust_store()
    {
        ApproveBoth("--note", "committee meeting 2026-03");

        var build = Build();

        Assert.True(build.ExitCode == 0, build.Out + build.Error);
        Assert.Contains("is approved by Pat Pharm (pharmacist) and Phil Phys (physician)", build.Out, StringComparison.Ordinal);
        var dll = Path.Combine(_output, "il2.post-til-il2.dll");
        Assert.True(File.Exists(dll));
        Assert.Equal(2, ApprovalSignatures.Load(Path.Combine(_output, "il2.post-til-il2.approvals.json")).Signatures.Length);
        var claims = ApprovalSignatures.Load(_approvals).UnverifiedClaims();
        Assert.Equal([ApprovalRole.Pharmacist, ApprovalRole.Physician], claims.Select(c => c!.Role));
        Assert.All(claims, c => Assert.Equal(ApprovalVerifier.Sha256(File.ReadAllBytes(dll)), c!.AssemblySha256));
        Assert.All(claims, c => Assert.Equal("committee meeting 2026-03", c!.Note));

        foreach (var protocol in new[] { dll, _postTil })
        {
            var eval = CliRun.Of("eval", protocol, "--patient", _patient, "--at", At, "--trust", _trust);
            Assert.True(eval.ExitCode == 0, eval.Out + eval.Error);
            Assert.StartsWith("HOLD dose 5", eval.Out, StringComparison.Ordinal);
            Assert.DoesNotContain("UNSIGNED", eval.Out, StringComparison.Ordinal);
        }

        using var loaded = CompiledProtocol.Load(dll, new CompiledProtocolLoadOptions { Trust = TrustStore.Load(_trust) });
        Assert.True(loaded.Approval!.IsApproved);
        Assert.Null(loaded.UnsignedNotice);
        var later = Assert.Throws<ProtocolLoadException>(() => CompiledProtocol.Load(dll, new CompiledProtocolLoadOptions { Trust = TrustStore.Load(_trust), Today = () => ApprovalEntry.TodayUtc().AddYears(2) }));
        Assert.Equal(TrustCodes.Expired, later.Code);
    }

    [Fact]
    public void Eval_without_a_trust_store_refuses_unless_unsigned_is_allowed_and_then_says_so()
    {
        var refused = CliRun.Of("eval", _postTil, "--patient", _patient, "--at", At);
        Refused(refused, TrustCodes.NoTrustStore, "--allow-unsigned");
        Assert.Equal("", refused.Out);

        var text = CliRun.Of("eval", _postTil, "--patient", _patient, "--at", At, "--allow-unsigned");
        Assert.True(text.ExitCode == 0, text.Error);
        Assert.Contains("\nUNSIGNED PROTOCOL: unsigned protocol loaded for development", text.Out, StringComparison.Ordinal);
        var json = CliRun.Of("eval", _postTil, "--patient", _patient, "--at", At, "--allow-unsigned", "--format", "json");
        Assert.Contains("\"unsigned\": \"unsigned protocol loaded for development", json.Out, StringComparison.Ordinal);

        Assert.Equal(2, CliRun.Of("eval", _postTil, "--patient", _patient, "--allow-unsigned", "--trust", _trust).ExitCode);
        Assert.Equal(2, CliRun.Of("build", _postTil, "-o", _output, "--require-approved").ExitCode);
    }

    [Fact]
    public void One_role_only_is_refused_and_nothing_is_written()
    {
        Approved("Pat Pharm", "pharmacist");

        Refused(Build(), TrustCodes.RoleMissing, "no physician approval in force");
        Assert.False(File.Exists(Path.Combine(_output, "il2.post-til-il2.dll")));
    }

    [Fact]
    public void No_approvals_file_is_refused() => Refused(Build(), TrustCodes.NoSignatures, "nothing has been approved");

    [Fact]
    public void Approve_prints_the_status_against_a_trust_store()
    {
        var first = Approve("Pat Pharm", "pharmacist", "--trust", _trust);
        Assert.Contains("status: TRUST010: ", first.Out, StringComparison.Ordinal);
        var second = Approve("Phil Phys", "physician", "--trust", _trust);
        Assert.Contains("status: protocol 'post-til-il2' 1.0.0 (assembly sha256 ", second.Out, StringComparison.Ordinal);
        Assert.Contains("is approved by Pat Pharm (pharmacist) and Phil Phys (physician)", second.Out, StringComparison.Ordinal);
    }

    // ------------------------------------------------------------ changes after approval

    [Fact]
    public void A_comment_change_keeps_the_canonical_hash_but_the_new_build_must_be_signed()
    {
        ApproveBoth();
        Edit(_postTil, "// Four doses given since the infusion", "// Reviewed by the committee. Four doses given since the infusion");

        Refused(Build(), TrustCodes.AssemblyNotSigned, "same protocol text (canonical hash unchanged)");
    }

    [Fact]
    public void A_threshold_change_voids_the_approval() =>
        ChangedAfterApproval(_postTil, "< 4 mL/kg x weight", "< 5 mL/kg x weight");

    [Fact]
    public void A_change_in_the_base_protocol_voids_the_post_til_approval() =>
        ChangedAfterApproval(_monotherapy, "when creatinine >= 3 mg/dL", "when creatinine >= 3.5 mg/dL");

    private void ChangedAfterApproval(string file, string from, string to)
    {
        ApproveBoth();
        var approvedDll = ProtocolBuilds.Write(CompileFile(_postTil), Path.Combine(_folder, "approved"));
        Edit(file, from, to);

        Refused(Build(), TrustCodes.CanonicalHashMismatch, "has changed since it was signed");
        Refused(CliRun.Of("eval", _postTil, "--patient", _patient, "--at", At, "--trust", _trust), TrustCodes.CanonicalHashMismatch, "has changed since it was signed");

        // A rebuilt assembly shipped with the old signatures: its bytes are not the signed ones.
        var rebuilt = ProtocolBuilds.Write(CompileFile(_postTil), _output);
        Assert.NotEqual(ApprovalVerifier.Sha256(File.ReadAllBytes(approvedDll)), ApprovalVerifier.Sha256(File.ReadAllBytes(rebuilt)));
        SaveSignatures(Signatures());
        File.Copy(_approvals, ApprovalSignatures.PathForAssembly(rebuilt), overwrite: true);
        Refused(CliRun.Of("eval", rebuilt, "--patient", _patient, "--at", At, "--trust", _trust), TrustCodes.AssemblyNotSigned, "signs another assembly");
    }

    // ------------------------------------------------------------ dates

    [Fact]
    public void A_lapsed_approval_is_refused_with_its_date()
    {
        ApproveBoth("--effective", "2020-01-01", "--review-by", "2021-03-01");

        Refused(Build(), TrustCodes.Expired, "lapsed after 2021-03-01");
    }

    [Fact]
    public void A_not_yet_effective_approval_is_refused_with_its_date()
    {
        var start = ApprovalEntry.FormatDate(ApprovalEntry.TodayUtc().AddDays(30));
        ApproveBoth("--effective", start);

        Refused(Build(), TrustCodes.NotYetEffective, $"starts on {start}");
    }

    [Theory]
    [InlineData("9999-12-31")]
    [InlineData("2099-01-01")]
    public void An_absurd_review_by_date_is_not_signed(string reviewBy)
    {
        var run = Approve("Pat Pharm", "pharmacist", "--review-by", reviewBy);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("is beyond the maximum validity of 2 years", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_approvals));
    }

    // ------------------------------------------------------------ forged approvals

    [Fact]
    public void An_approval_re_signed_by_an_unknown_key_is_refused()
    {
        ApproveBoth();
        NewKey("Mallory", "pharmacist", trusted: false);
        Approved("Mallory", "pharmacist");
        var all = Signatures();
        SaveSignatures([all[2], all[1]]); // the attacker's pharmacist approval instead of the real one

        Refused(Build(), TrustCodes.UnknownKey, "which is not in the trust store");
    }

    [Fact]
    public void An_edited_trust_store_entry_claiming_a_role_for_an_untrusted_person_is_refused()
    {
        ApproveBoth();
        Edit(Entry("Phil Phys", "physician"), "\"person\": \"Phil Phys\"", "\"person\": \"Someone Else\"");

        Refused(Build(), TrustCodes.IdentityMismatch, "binds key");
    }

    [Fact]
    public void A_revoked_key_is_refused()
    {
        ApproveBoth();
        var revoke = CliRun.Of("keys", "revoke", Entry("Phil Phys", "physician"), "--reason", "left the hospital");
        Assert.True(revoke.ExitCode == 0, revoke.Error);

        Refused(Build(), TrustCodes.RevokedKey, "(left the hospital)");
    }

    [Fact]
    public void One_person_in_both_roles_is_refused()
    {
        NewKey("Pat Pharm", "physician", trusted: true);
        Approved("Pat Pharm", "pharmacist");
        Approved("Pat Pharm", "physician");

        Refused(Build(), TrustCodes.SamePerson, "by the same person (Pat Pharm)");
    }

    [Fact]
    public void A_tampered_signature_byte_is_refused()
    {
        ApproveBoth();
        var all = Signatures();
        var at = all[1].Length - 5;
        all[1] = all[1][..at] + (all[1][at] == 'x' ? 'y' : 'x') + all[1][(at + 1)..];
        SaveSignatures(all);

        Refused(Build(), TrustCodes.BadSignature, "does not verify with the key of Phil Phys");
    }

    [Fact]
    public void A_signatures_file_with_a_duplicate_key_is_refused()
    {
        ApproveBoth();
        var all = Signatures();
        File.WriteAllText(_approvals, $"{{\"signatures\": [\"{all[0]}\"], \"signatures\": [\"{all[0]}\", \"{all[1]}\"]}}");

        Refused(Build(), TrustCodes.Malformed, "a key appears twice");
        Refused(Approve("Pat Pharm", "pharmacist"), TrustCodes.Malformed, "a key appears twice");
    }

    // ------------------------------------------------------------ forged assemblies

    [Fact]
    public void An_il2_assembly_with_a_swapped_canonical_hash_is_refused()
    {
        ApproveBoth();
        var approved = CompileFile(_postTil).Info!.CanonicalHash!;
        Edit(_postTil, "< 4 mL/kg x weight", "< 1 mL/kg x weight");
        var forged = CompileFile(_postTil);
        var bytes = forged.Assembly.ToArray();
        ReplaceAll(bytes, Encoding.Unicode.GetBytes(forged.Info!.CanonicalHash!), Encoding.Unicode.GetBytes(approved));
        Directory.CreateDirectory(_output);
        var dll = Path.Combine(_output, "il2.post-til-il2.dll");
        File.WriteAllBytes(dll, bytes);
        File.Copy(_approvals, ApprovalSignatures.PathForAssembly(dll));

        Refused(CliRun.Of("eval", dll, "--patient", _patient, "--at", At, "--trust", _trust), TrustCodes.AssemblyNotSigned, "signs another assembly");
    }

    private static void ReplaceAll(byte[] bytes, byte[] from, byte[] to)
    {
        var count = 0;
        for (var at = bytes.AsSpan().IndexOf(from); at >= 0; at = bytes.AsSpan().IndexOf(from))
        {
            to.CopyTo(bytes, at);
            count++;
        }
        Assert.True(count > 0, "the canonical hash was not found in the assembly");
    }

    [Fact]
    public void A_hand_compiled_assembly_with_the_real_attribute_source_and_hash_never_runs()
    {
        ApproveBoth();
        var real = CompileFile(_postTil);
        var marker = Path.Combine(_folder, "module-initializer-ran.txt");
        var forged = Path.Combine(_output, "il2.post-til-il2.dll");
        Directory.CreateDirectory(_output);
        File.WriteAllBytes(forged, Forge(real, marker));
        File.Copy(_approvals, ApprovalSignatures.PathForAssembly(forged));

        var withTrust = Assert.Throws<ProtocolLoadException>(() => CompiledProtocol.Load(forged, new CompiledProtocolLoadOptions { Trust = TrustStore.Load(_trust) }));
        Assert.Equal(TrustCodes.AssemblyNotSigned, withTrust.Code);
        var withoutTrust = Assert.Throws<ProtocolLoadException>(() => CompiledProtocol.Load(forged));
        Assert.Equal(TrustCodes.NoTrustStore, withoutTrust.Code);
        Refused(CliRun.Of("eval", forged, "--patient", _patient, "--at", At, "--trust", _trust), TrustCodes.AssemblyNotSigned, "signs another assembly");

        Assert.False(File.Exists(marker), "the forged assembly's module initializer ran");
    }

    /// <summary>A class library that carries the real attribute, the real embedded source and its hash, and says give.</summary>
    private static byte[] Forge(ProtocolAssembly real, string marker)
    {
        using var loaded = CompiledProtocol.Load(ProtocolBuilds.Write(real, CliRun.TempFolder()), CompiledProtocolLoadOptions.Development);
        var a = loaded.Attribute;
        var code = $$"""
            using System;
            using System.Runtime.CompilerServices;
            using IlTwo.Runtime.Evaluation;
            using IlTwo.Runtime.Protocols;

            [assembly: CompiledProtocol("{{a.ProtocolId}}", "{{a.Version}}", "{{a.SourceHash}}", "{{a.CompilerVersion}}", "Il2.Generated.Forged")]

            namespace Il2.Generated
            {
                internal static class Init
                {
                    [ModuleInitializer]
                    internal static void Run() => System.IO.File.WriteAllText(@"{{marker}}", "ran");
                }

                public sealed class Forged : ProtocolRules
                {
                    public override ProtocolInfo Info => throw new InvalidOperationException("forged");
                    public override void EvaluateRules(PatientSnapshot snapshot, Span<Truth> results) => results.Clear();
                }
            }
            """;
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => !Path.GetFileName(p).StartsWith("IlTwo.", StringComparison.Ordinal))
            .Append(typeof(ProtocolRules).Assembly.Location)
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("il2.post-til-il2", [CSharpSyntaxTree.ParseText(code)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var source = Encoding.UTF8.GetBytes(loaded.Source);
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream, manifestResources: [new ResourceDescription(CompiledProtocolAttribute.SourceResourceName, () => new MemoryStream(source), isPublic: true)]);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return stream.ToArray();
    }

    [Fact]
    public void Signed_bytes_whose_protocol_carries_another_canonical_hash_are_refused_after_loading()
    {
        var compilation = ProtocolCompilation.Create(SourceText.FromBytes(File.ReadAllBytes(_postTil), _postTil));
        var assembly = ProtocolCompiler.Compile(compilation);
        var dll = ProtocolBuilds.Write(assembly, _output);
        var request = new IlTwo.Dsl.Approvals.ApprovalRequest(ApprovalEntry.TodayUtc(), ApprovalEntry.TodayUtc().AddYears(1), null);
        var signatures = new List<string>();
        foreach (var (person, role) in new[] { ("Pat Pharm", "pharmacist"), ("Phil Phys", "physician") })
        {
            using var key = SigningKey.Load(Key(person, role));
            var entry = IlTwo.Dsl.Approvals.ProtocolApprovals.Approval(compilation, assembly, key, request, DateTimeOffset.UtcNow);
            signatures.Add(key.Sign(entry with { CanonicalHash = new string('0', 64) }));
        }

        var refused = Assert.Throws<ProtocolLoadException>(() => CompiledProtocol.Load(dll, new CompiledProtocolLoadOptions { Trust = TrustStore.Load(_trust), Signatures = signatures }));

        Assert.Equal(TrustCodes.CanonicalHashMismatch, refused.Code);
        Assert.Contains($"the assembly carries {assembly.Info!.CanonicalHash}", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Private_key_files_are_ignored_by_git() =>
        Assert.Contains("*.il2key", File.ReadAllText(CliRun.Repo(".gitignore")).Split('\n'));

    // ------------------------------------------------------------ usage

    [Fact]
    public void A_malformed_approvals_file_is_a_clear_error()
    {
        File.WriteAllText(_approvals, "[ { \"protocolId\": \"post-til-il2\", ");

        Refused(Build(), TrustCodes.Malformed, "is not valid JSON");
        var approve = Approve("Pat Pharm", "pharmacist");
        Refused(approve, TrustCodes.Malformed, "not valid JSON");
        Assert.Equal("[ { \"protocolId\": \"post-til-il2\", ", File.ReadAllText(_approvals));
    }

    [Fact]
    public void The_approvals_option_names_another_file()
    {
        ApproveBoth();
        var elsewhere = Path.Combine(CliRun.TempFolder(), "signed.json");
        File.Move(_approvals, elsewhere);

        Assert.Equal(1, Build().ExitCode);
        Assert.Equal(0, Build("--approvals", elsewhere).ExitCode);
        Assert.Equal(2, CliRun.Of("build", _postTil, "-o", _output, "--trust", _trust).ExitCode);
    }

    [Theory]
    [InlineData("--effective", "2026-13-01", "--effective '2026-13-01' is not a date yyyy-MM-dd")]
    [InlineData("--review-by", "1/2/2027", "--review-by '1/2/2027' is not a date yyyy-MM-dd")]
    [InlineData("--key", "", "--key KEYFILE is required")]
    public void Bad_approve_arguments_are_usage_errors(string option, string value, string expected)
    {
        var args = new List<string> { "approve", _postTil, "--key", Key("Pat Pharm", "pharmacist") };
        var at = args.IndexOf(option);
        if (at < 0)
        {
            args.AddRange([option, value]);
        }
        else
        {
            args[at + 1] = value;
        }

        var run = CliRun.Of([.. args]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_approvals));
    }

    [Fact]
    public void Review_by_must_be_after_effective()
    {
        var run = Approve("Pat Pharm", "pharmacist", "--effective", "2026-05-01", "--review-by", "2026-05-01");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("the review-by date 2026-05-01 must be after the effective date 2026-05-01", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_protocol_with_errors_cannot_be_approved()
    {
        Edit(_postTil, "when oliguria-despite-boluses is yes", "when no-such-observation is yes");

        var run = Approve("Pat Pharm", "pharmacist");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error IL", run.Out, StringComparison.Ordinal);
        Assert.Contains("approve: not signed", run.Out, StringComparison.Ordinal);
        Assert.False(File.Exists(_approvals));
    }

    [Fact]
    public void Doc_lists_the_approvals_verified_only_with_a_trust_store()
    {
        ApproveBoth();
        var html = Path.Combine(_folder, "review", "post-til.html");

        var unverified = CliRun.Of("doc", _postTil, "-o", html);
        Assert.True(unverified.ExitCode == 0, unverified.Out + unverified.Error);
        var text = File.ReadAllText(html);
        Assert.Contains("<h1 id=\"title\">IL-2 after tumour-infiltrating lymphocyte (TIL) infusion</h1>", text, StringComparison.Ordinal);
        Assert.Contains("NOT VERIFIED", text, StringComparison.Ordinal);
        Assert.Contains("Pat Pharm", text, StringComparison.Ordinal);

        var verified = CliRun.Of("doc", _postTil, "-o", html, "--trust", _trust);
        Assert.True(verified.ExitCode == 0, verified.Out + verified.Error);
        Assert.Contains("<span class=\"pass\">APPROVED</span>", File.ReadAllText(html), StringComparison.Ordinal);
    }

    [Fact]
    public void Doc_refuses_a_protocol_with_errors()
    {
        Edit(_postTil, "when oliguria-despite-boluses is yes", "when no-such-observation is yes");

        var run = CliRun.Of("doc", _postTil, "-o", Path.Combine(_folder, "x.html"));

        Assert.Equal(1, run.ExitCode);
        Assert.False(File.Exists(Path.Combine(_folder, "x.html")));
    }
}
