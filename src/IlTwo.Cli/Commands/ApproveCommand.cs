using IlTwo.Dsl.Review.Approvals;
using IlTwo.Runtime.Approvals;

namespace IlTwo.Cli.Commands;

/// <summary><c>il2 approve FILE --by NAME --role ROLE</c>: records one signature over the protocol's canonical hash.</summary>
public sealed class ApproveCommand : ICommand
{
    public string Name => "approve";

    public string Summary => "Record a pharmacist's or physician's approval of a protocol in approvals.json";

    public string Help => """
        Usage: il2 approve FILE --by NAME --role pharmacist|physician
                           [--effective DATE] [--review-by DATE] [--note TEXT]

        Checks FILE (with the protocols it extends); when it has no errors, records a signature over its
        canonical hash in approvals.json in FILE's folder (created if missing): protocol id, version,
        canonical hash, approver, role, the time signed (UTC), effective and review-by dates, and the note.
        The canonical hash covers FILE and every protocol it extends, without comments and in the canonical
        layout: comments and re-formatting keep an approval; any other change voids it.
        A protocol is approved once a pharmacist and a physician have signed the same hash, from the later
        effective date to the earlier review-by date (both inclusive). See docs/approvals.md.

        Options:
          --by NAME          who signs (required, not empty)
          --role ROLE        pharmacist or physician (required)
          --effective DATE   the first day the approval counts, yyyy-MM-dd (default: today, UTC)
          --review-by DATE   the last day it counts, yyyy-MM-dd, after --effective
                             (default: one year after the effective date)
          --note TEXT        a remark recorded with the signature
          -h, --help         show this help

        Exit codes: 0 recorded, 1 the protocol has errors or approvals.json is malformed, 2 usage or I/O error.
        """;

    public int Run(CommandContext context, IReadOnlyList<string> args)
    {
        var line = CommandLine.Parse(args, [], ["by", "role", "effective", "review-by", "note"], out var error);
        if (line is null)
            return context.UsageError($"approve: {error}");
        if (line.Operands.Count != 1)
            return context.UsageError("approve: give one protocol file: il2 approve FILE --by NAME --role pharmacist|physician");

        var approver = line.Value("by");
        if (string.IsNullOrWhiteSpace(approver))
            return context.UsageError("approve: --by NAME is required and must not be empty");
        var roleText = line.Value("role");
        if (roleText is null)
            return context.UsageError("approve: --role is required: pharmacist or physician");
        if (!ApprovalEntry.TryParseRole(roleText, out var role))
            return context.UsageError($"approve: --role must be pharmacist or physician, not '{roleText}'");

        var today = ApprovalPolicy.TodayUtc();
        var effective = today;
        if (line.Value("effective") is { } effectiveText && !ApprovalEntry.TryParseDate(effectiveText, out effective))
            return context.UsageError($"approve: --effective '{effectiveText}' is not a date yyyy-MM-dd");
        var reviewBy = ProtocolApprovals.DefaultReviewBy(effective);
        if (line.Value("review-by") is { } reviewText && !ApprovalEntry.TryParseDate(reviewText, out reviewBy))
            return context.UsageError($"approve: --review-by '{reviewText}' is not a date yyyy-MM-dd");
        var request = new ApprovalRequest(approver, role, effective, reviewBy, line.Value("note"));
        if (ProtocolApprovals.Validate(request) is { Count: > 0 } problems)
            return context.UsageError($"approve: {string.Join("; ", problems)}");

        var path = line.Operands[0];
        var compilation = ProtocolBuilds.CompileWithoutErrors(context, path, "approve: not recorded", out var failure);
        if (compilation is null)
            return failure;

        var approvalsPath = ProtocolApprovals.PathFor(path);
        ApprovalsFile approvals;
        try
        {
            approvals = File.Exists(approvalsPath) ? ApprovalsFile.Load(approvalsPath) : ApprovalsFile.Empty;
        }
        catch (ApprovalsFileException e)
        {
            context.Error.WriteLine($"il2: {e.Message}");
            context.Error.WriteLine("approve: not recorded: fix or restore the approvals file first");
            return ExitCodes.Failure;
        }

        var entry = ProtocolApprovals.Sign(compilation, request, DateTimeOffset.UtcNow);
        approvals = approvals.Add(entry);
        try
        {
            approvals.Save(approvalsPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return context.UsageError($"{approvalsPath}: cannot write: {e.Message}");
        }

        context.Out.WriteLine($"recorded: {entry.ProtocolId} {entry.Version} approved by {entry.Approver} ({ApprovalEntry.RoleName(entry.Role)}), "
            + $"effective {ApprovalEntry.FormatDate(entry.Effective)}, review by {ApprovalEntry.FormatDate(entry.ReviewBy)} -> {approvalsPath}");
        context.Out.WriteLine($"canonical hash {entry.CanonicalHash}");
        var problem = new ApprovalPolicy(approvals).Check(entry.ProtocolId, entry.Version, entry.CanonicalHash, today);
        context.Out.WriteLine(problem is null ? "status: approved (pharmacist and physician signatures in force today)" : $"status: {problem}");
        return ExitCodes.Success;
    }
}
