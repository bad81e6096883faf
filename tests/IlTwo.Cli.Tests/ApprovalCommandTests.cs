using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Emit;
using IlTwo.Dsl.Text;
using IlTwo.Runtime.Approvals;
using IlTwo.Runtime.Protocols;

namespace IlTwo.Cli.Tests;

/// <summary>il2 approve, il2 build --require-approved and the approving loader, always on temp copies of protocols/.</summary>
public sealed class ApprovalCommandTests
{
    private readonly string _folder;
    private readonly string _postTil;
    private readonly string _monotherapy;
    private readonly string _approvals;
    private readonly string _output;

    public ApprovalCommandTests()
    {
        _folder = CliRun.TempFolder();
        foreach (var file in Directory.GetFiles(CliRun.Repo("protocols"), "*.il2"))
            File.Copy(file, Path.Combine(_folder, Path.GetFileName(file)));
        _postTil = Path.Combine(_folder, "post-til-il2.il2");
        _monotherapy = Path.Combine(_folder, "hd-il2-monotherapy.il2");
        _approvals = Path.Combine(_folder, "approvals.json");
        _output = Path.Combine(_folder, "out");
    }

    private static void Approve(string file, string role, params string[] extra)
    {
        var run = CliRun.Of(["approve", file, "--by", role == "pharmacist" ? "Pat Pharm" : "Phil Phys", "--role", role, .. extra]);
        Assert.True(run.ExitCode == 0, run.Out + run.Error);
    }

    private void ApproveBoth(params string[] extra)
    {
        Approve(_postTil, "pharmacist", extra);
        Approve(_postTil, "physician", extra);
    }

    private CliRun Build(params string[] extra) => CliRun.Of(["build", _postTil, "-o", _output, "--require-approved", .. extra]);

    private static void Edit(string path, string from, string to)
    {
        var text = File.ReadAllText(path);
        Assert.Contains(from, text, StringComparison.Ordinal);
        File.WriteAllText(path, text.Replace(from, to, StringComparison.Ordinal));
    }

    [Fact]
    public void Approved_by_both_roles_builds()
    {
        ApproveBoth("--note", "committee meeting 2026-03");

        var run = Build();

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        Assert.Contains("built post-til-il2 1.0.0", run.Out, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_output, "il2.post-til-il2.dll")));
        var entries = ApprovalsFile.Load(_approvals).Entries;
        Assert.Equal([ApprovalRole.Pharmacist, ApprovalRole.Physician], entries.Select(e => e.Role));
        Assert.All(entries, e => Assert.Equal(e.Effective.AddYears(1), e.ReviewBy));
        Assert.All(entries, e => Assert.Equal(ApprovalPolicy.TodayUtc(), e.Effective));
        Assert.Equal("committee meeting 2026-03", entries[0].Note);
    }

    [Fact]
    public void Approve_reports_the_status_after_each_signature()
    {
        var first = CliRun.Of("approve", _postTil, "--by", "Pat Pharm", "--role", "pharmacist");
        Assert.Contains("status: protocol 'post-til-il2' 1.0.0 (canonical hash ", first.Out, StringComparison.Ordinal);
        Assert.Contains("no physician signature for hash", first.Out, StringComparison.Ordinal);

        var second = CliRun.Of("approve", _postTil, "--by", "Phil Phys", "--role", "physician");
        Assert.Contains("status: approved", second.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void One_role_only_is_refused_and_nothing_is_written()
    {
        Approve(_postTil, "pharmacist");

        var run = Build();

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("build refused: protocol 'post-til-il2' 1.0.0 (canonical hash ", run.Out, StringComparison.Ordinal);
        Assert.Contains("no physician signature for hash ", run.Out, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_output, "il2.post-til-il2.dll")));
    }

    [Fact]
    public void No_approvals_file_is_refused()
    {
        var run = Build();

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no approvals file", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Comment_and_formatting_changes_keep_the_approval()
    {
        ApproveBoth();

        Edit(_postTil, "// Four doses given since the infusion", "// Reviewed by the committee. Four doses given since the infusion");
        Edit(_postTil, "\n  when ", "\n        when ");
        Edit(_monotherapy, "// ---------------------------------------------------------------- vital signs", "// vital signs (re-worded)\n\n\n");

        var run = Build();
        Assert.True(run.ExitCode == 0, run.Out + run.Error);
    }

    [Fact]
    public void A_threshold_change_voids_the_approval()
    {
        ApproveBoth();
        Edit(_postTil, "< 4 mL/kg x weight", "< 5 mL/kg x weight");

        var run = Build();

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("has changed since it was signed", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_change_in_the_base_protocol_voids_the_post_til_approval()
    {
        ApproveBoth();
        Edit(_monotherapy, "when creatinine >= 3 mg/dL", "when creatinine >= 3.5 mg/dL");

        var run = Build();

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("has changed since it was signed", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lapsed_approval_is_refused_with_its_date()
    {
        ApproveBoth("--effective", "2020-01-01", "--review-by", "2021-03-01");

        var run = Build();

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("lapsed after 2021-03-01", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_not_yet_effective_approval_is_refused_with_its_date()
    {
        ApproveBoth("--effective", "2099-01-01");

        var run = Build();

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("starts on 2099-01-01", run.Out, StringComparison.Ordinal);
        Assert.Equal(new DateOnly(2100, 1, 1), ApprovalsFile.Load(_approvals).Entries[0].ReviewBy);
    }

    [Fact]
    public void A_malformed_approvals_file_is_a_clear_error()
    {
        File.WriteAllText(_approvals, "[ { \"protocolId\": \"post-til-il2\", ");

        var build = Build();
        Assert.Equal(1, build.ExitCode);
        Assert.Contains("approvals.json: not valid JSON at line 1", build.Out, StringComparison.Ordinal);

        var approve = CliRun.Of("approve", _postTil, "--by", "Pat Pharm", "--role", "pharmacist");
        Assert.Equal(1, approve.ExitCode);
        Assert.Contains("not valid JSON", approve.Error, StringComparison.Ordinal);
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
        Assert.Equal(2, CliRun.Of("build", _postTil, "-o", _output, "--approvals", elsewhere).ExitCode);
    }

    [Theory]
    [InlineData("--role", "nurse", "--role must be pharmacist or physician")]
    [InlineData("--effective", "2026-13-01", "--effective '2026-13-01' is not a date yyyy-MM-dd")]
    [InlineData("--review-by", "1/2/2027", "--review-by '1/2/2027' is not a date yyyy-MM-dd")]
    [InlineData("--by", " ", "--by NAME is required and must not be empty")]
    public void Bad_approve_arguments_are_usage_errors(string option, string value, string expected)
    {
        var args = new List<string> { "approve", _postTil, "--by", "Pat Pharm", "--role", "pharmacist" };
        var at = args.IndexOf(option);
        if (at < 0)
            args.AddRange([option, value]);
        else
            args[at + 1] = value;

        var run = CliRun.Of([.. args]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_approvals));
    }

    [Fact]
    public void Review_by_must_be_after_effective()
    {
        var run = CliRun.Of("approve", _postTil, "--by", "Pat Pharm", "--role", "pharmacist", "--effective", "2026-05-01", "--review-by", "2026-05-01");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("the review-by date 2026-05-01 must be after the effective date 2026-05-01", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_protocol_with_errors_cannot_be_approved()
    {
        Edit(_postTil, "when oliguria-despite-boluses is yes", "when no-such-observation is yes");

        var run = CliRun.Of("approve", _postTil, "--by", "Pat Pharm", "--role", "pharmacist");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("error IL", run.Out, StringComparison.Ordinal);
        Assert.Contains("approve: not recorded", run.Out, StringComparison.Ordinal);
        Assert.False(File.Exists(_approvals));
    }

    [Fact]
    public void The_loader_refuses_an_unapproved_assembly_and_loads_an_approved_one()
    {
        var assembly = ProtocolCompiler.Compile(ProtocolCompilation.Create(SourceText.FromBytes(File.ReadAllBytes(_postTil), _postTil)));
        Assert.True(assembly.Success, string.Join("\n", assembly.Errors));
        var dll = ProtocolBuilds.Write(assembly, _output);
        Assert.Matches("^[0-9a-f]{64}$", assembly.Info!.CanonicalHash);

        Approve(_postTil, "pharmacist");
        var refused = Assert.Throws<ProtocolLoadException>(() => CompiledProtocol.Load(dll, ApprovalPolicy.LoadOptions(_approvals)));
        Assert.Contains($"no physician signature for hash {assembly.Info.CanonicalHash}", refused.Message, StringComparison.Ordinal);

        Approve(_postTil, "physician");
        using (var loaded = CompiledProtocol.Load(dll, ApprovalPolicy.LoadOptions(_approvals)))
            Assert.Equal(assembly.Info.CanonicalHash, loaded.Info.CanonicalHash);

        var later = Assert.Throws<ProtocolLoadException>(() => CompiledProtocol.Load(dll, ApprovalPolicy.LoadOptions(_approvals, () => ApprovalPolicy.TodayUtc().AddYears(2))));
        Assert.Contains("lapsed after", later.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Doc_writes_a_review_document_with_the_approvals()
    {
        Approve(_postTil, "pharmacist");
        var html = Path.Combine(_folder, "review", "post-til.html");

        var run = CliRun.Of("doc", _postTil, "-o", html);

        Assert.True(run.ExitCode == 0, run.Out + run.Error);
        var text = File.ReadAllText(html);
        Assert.Contains("<h1 id=\"title\">IL-2 after tumour-infiltrating lymphocyte (TIL) infusion</h1>", text, StringComparison.Ordinal);
        Assert.Contains("NOT APPROVED", text, StringComparison.Ordinal);
        Assert.Contains("Pat Pharm", text, StringComparison.Ordinal);
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
