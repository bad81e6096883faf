using System.CommandLine;
using IlTwo.Dsl.Approvals;
using IlTwo.Dsl.Diagnostics;
using IlTwo.Dsl.Emit;
using IlTwo.Runtime.Approvals;

namespace IlTwo.Cli.Commands;

/// <summary><c>il2 approve FILE --key KEY</c>: signs one approval of the protocol and its compiled assembly.</summary>
public sealed class ApproveCommand : ICommand
{
    private readonly Option<string[]> _key = CliOptions.Valued("--key", "KEYFILE", "the approver's private key (from 'il2 keys new'; must be readable by its owner only)");

    private readonly Option<string[]> _effective = CliOptions.Valued("--effective", "DATE", "the first day the approval counts, yyyy-MM-dd (default: today, UTC)");

    private readonly Option<string[]> _reviewBy = CliOptions.Valued("--review-by", "DATE",
        "the last day it counts, yyyy-MM-dd, after --effective (default: one year later; at most 2 years after the effective date and after today)");

    private readonly Option<string[]> _note = CliOptions.Valued("--note", "TEXT", "a remark signed with the approval");

    private readonly Option<string[]> _trust = CliOptions.Valued("--trust", "STORE", "after signing, print the protocol's approval status against this trust store");

    private readonly Argument<string[]> _file = CliOptions.Operands("FILE", "the protocol (.il2) to approve");

    public string Name => "approve";

    public string Summary => "Sign a pharmacist's or physician's approval of a protocol into approvals.json";

    public string Details => """
        Checks FILE (with the protocols it extends); when it has no errors, compiles it and signs, with the
        approver's private key (ES256), an approval of: the protocol id and version, its canonical hash over
        the whole extends chain, the SHA-256 of the compiled assembly, the approver and role bound to the key,
        the time signed, and the effective and review-by dates. The signature (a JWS) is added to
        approvals.json in FILE's folder (created if missing). See docs/approvals.md.
        A protocol is approved once a pharmacist and a physician, two different people whose public keys are
        in the trust store, signed the same assembly, and both approvals are in force.

        Exit codes: 0 signed, 1 the protocol has errors, the key or approvals.json is refused, 2 usage or I/O error.
        """;

    public void Define(Command command)
    {
        command.Add(_key);
        command.Add(_effective);
        command.Add(_reviewBy);
        command.Add(_note);
        command.Add(_trust);
        command.Add(_file);
    }

    public int Run(CommandContext context, ParseResult parse)
    {
        var operands = parse.Values(_file);
        if (operands.Count != 1)
        {
            return context.UsageError("approve: give one protocol file: il2 approve FILE --key KEYFILE");
        }

        if (parse.Value(_key) is not { Length: > 0 } keyPath)
        {
            return context.UsageError("approve: --key KEYFILE is required (create one with 'il2 keys new')");
        }

        var today = ApprovalEntry.TodayUtc();
        var effective = today;
        if (parse.Value(_effective) is { } effectiveText && !ApprovalEntry.TryParseDate(effectiveText, out effective))
        {
            return context.UsageError($"approve: --effective '{effectiveText}' is not a date yyyy-MM-dd");
        }

        var reviewBy = ProtocolApprovals.DefaultReviewBy(effective);
        if (parse.Value(_reviewBy) is { } reviewText && !ApprovalEntry.TryParseDate(reviewText, out reviewBy))
        {
            return context.UsageError($"approve: --review-by '{reviewText}' is not a date yyyy-MM-dd");
        }

        var request = new ApprovalRequest(effective, reviewBy, parse.Value(_note));
        if (ProtocolApprovals.Validate(request, today) is { Count: > 0 } problems)
        {
            return context.UsageError($"approve: {string.Join("; ", problems)}");
        }

        TrustStore? trust = null;
        SigningKey key;
        try
        {
            if (parse.Value(_trust) is { } trustPath)
            {
                trust = TrustStore.Load(trustPath);
            }

            key = SigningKey.Load(keyPath);
        }
        catch (TrustException e)
        {
            context.Error.WriteLine($"il2: approve: not signed: {e.Message}");
            return ExitCodes.Failure;
        }

        using (key)
        {
            var path = operands[0];
            var compilation = ProtocolBuilds.CompileWithoutErrors(context, path, "approve: not signed", out var failure);
            if (compilation is null)
            {
                return failure;
            }

            var (assembly, exception) = CompilerGuard.Run(() => ProtocolCompiler.Compile(compilation));
            if (assembly is null || !assembly.Success)
            {
                foreach (var message in assembly?.Errors ?? [DiagnosticCatalog.FormatInternalError(path, "internal compiler error", exception)])
                {
                    context.Out.WriteLine(message);
                }

                context.Out.WriteLine("approve: not signed: the protocol does not compile");
                return ExitCodes.Failure;
            }

            var approvalsPath = ProtocolApprovals.PathFor(path);
            ApprovalSignatures signatures;
            try
            {
                signatures = File.Exists(approvalsPath) ? ApprovalSignatures.Load(approvalsPath) : ApprovalSignatures.Empty;
            }
            catch (TrustException e)
            {
                context.Error.WriteLine($"il2: {e.Message}");
                context.Error.WriteLine("approve: not signed: fix or restore the approvals file first");
                return ExitCodes.Failure;
            }

            var entry = ProtocolApprovals.Approval(compilation, assembly, key, request, DateTimeOffset.UtcNow);
            signatures = signatures.Add(key.Sign(entry));
            try
            {
                signatures.Save(approvalsPath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return context.UsageError($"{approvalsPath}: cannot write: {e.Message}");
            }

            context.Out.WriteLine($"signed: {entry.ProtocolId} {entry.Version} approved by {entry.Approver} ({ApprovalEntry.RoleName(entry.Role)}, key {entry.KeyId}), "
                + $"effective {ApprovalEntry.FormatDate(entry.Effective)}, review by {ApprovalEntry.FormatDate(entry.ReviewBy)} -> {approvalsPath}");
            context.Out.WriteLine($"canonical hash {entry.CanonicalHash}");
            context.Out.WriteLine($"assembly {entry.AssemblyName} sha256 {entry.AssemblySha256}");
            if (trust is not null)
            {
                var verdict = new ApprovalVerifier(trust).Verify(signatures.Signatures, ProtocolApprovals.Facts(compilation, assembly), today);
                context.Out.WriteLine($"status: {verdict.Message}");
            }
            return ExitCodes.Success;
        }
    }
}
