using System.Text;
using IlTwo.Runtime.Approvals;

namespace IlTwo.Cli.Commands;

/// <summary><c>il2 keys</c>: approvers' signing keys and the trust store entries for their public halves.</summary>
public sealed class KeysCommand : ICommand
{
    public string Name => "keys";

    public string Summary => "Create an approver's signing key; export or revoke trust store entries";

    public string Help => """
        Usage: il2 keys new --person NAME --role pharmacist|physician -o DIR
               il2 keys export KEYFILE [-o ENTRY.json]
               il2 keys revoke ENTRY.json [--date DATE] [--reason TEXT]

        new      creates an ECDSA P-256 key pair for one person in one role: DIR/<name>-<role>.il2key (the
                 private key, written readable by its owner only, 0600; never commit it: *.il2key is in
                 .gitignore) and DIR/<name>-<role>.pub.json, the public key's entry for the trust store.
        export   prints (or writes) the trust store entry of a private key file.
        revoke   marks a trust store entry revoked (DATE, default today, and the reason are recorded): from then
                 on no signature by that key counts, whatever date it claims; the approver needs a new key and
                 new signatures.

        A trust store is a folder of such entries (*.json), or one file {"keys": [entry, ...]}; it is the only
        source of who may approve (docs/approvals.md).

        Exit codes: 0 done, 1 a key file or entry is refused, 2 usage or I/O error.
        """;

    public int Run(CommandContext context, IReadOnlyList<string> args)
    {
        var line = CommandLine.Parse(args, [], ["person", "role", "o", "output", "date", "reason"], out var error);
        if (line is null)
            return context.UsageError($"keys: {error}");
        if (line.Operands.Count < 1)
            return context.UsageError("keys: give a subcommand: new, export or revoke; run 'il2 keys --help'");
        try
        {
            return line.Operands[0] switch
            {
                "new" when line.Operands.Count == 1 => New(context, line),
                "export" when line.Operands.Count == 2 => Export(context, line, line.Operands[1]),
                "revoke" when line.Operands.Count == 2 => Revoke(context, line, line.Operands[1]),
                _ => context.UsageError($"keys: unknown or incomplete subcommand '{string.Join(' ', line.Operands)}'; run 'il2 keys --help'"),
            };
        }
        catch (TrustException e)
        {
            context.Error.WriteLine($"il2: keys: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return context.UsageError($"keys: {e.Message}");
        }
    }

    private static int New(CommandContext context, CommandLine line)
    {
        if (line.Value("person") is not { } person || string.IsNullOrWhiteSpace(person))
            return context.UsageError("keys new: --person NAME is required");
        if (!ApprovalEntry.TryParseRole(line.Value("role"), out var role))
            return context.UsageError("keys new: --role must be pharmacist or physician");
        if ((line.Value("o") ?? line.Value("output")) is not { } folder)
            return context.UsageError("keys new: -o DIR is required");
        Directory.CreateDirectory(folder);
        var stem = Path.Combine(folder, $"{Slug(person)}-{ApprovalEntry.RoleName(role)}");
        var keyPath = stem + ".il2key";
        var entryPath = stem + ".pub.json";
        if (File.Exists(keyPath) || File.Exists(entryPath))
            return context.UsageError($"keys new: {keyPath} or {entryPath} exists already; not overwritten");
        using var key = SigningKey.Create(person, role);
        key.Save(keyPath);
        File.WriteAllText(entryPath, key.PublicEntry().ToJson(), new UTF8Encoding(false));
        context.Out.WriteLine($"private key {keyPath} (mode 600: keep it secret, never commit it)");
        context.Out.WriteLine($"trust store entry {entryPath}: {key.Person} ({ApprovalEntry.RoleName(key.Role)}), key {key.KeyId}");
        return ExitCodes.Success;
    }

    private static int Export(CommandContext context, CommandLine line, string keyPath)
    {
        using var key = SigningKey.Load(keyPath);
        var json = key.PublicEntry().ToJson();
        if ((line.Value("o") ?? line.Value("output")) is { } output)
        {
            File.WriteAllText(output, json, new UTF8Encoding(false));
            context.Out.WriteLine($"trust store entry {output}: {key.Person} ({ApprovalEntry.RoleName(key.Role)}), key {key.KeyId}");
        }
        else
        {
            context.Out.Write(json);
        }
        return ExitCodes.Success;
    }

    private static int Revoke(CommandContext context, CommandLine line, string entryPath)
    {
        var date = ApprovalEntry.TodayUtc();
        if (line.Value("date") is { } text && !ApprovalEntry.TryParseDate(text, out date))
            return context.UsageError($"keys revoke: --date '{text}' is not a date yyyy-MM-dd");
        var entry = TrustStore.ParseEntry(File.ReadAllText(entryPath), entryPath) with { Revoked = date, RevokedReason = line.Value("reason") };
        File.WriteAllText(entryPath, entry.ToJson(), new UTF8Encoding(false));
        context.Out.WriteLine($"revoked key {entry.KeyId} of {entry.Person} ({ApprovalEntry.RoleName(entry.Role)}) from {ApprovalEntry.FormatDate(date)} in {entryPath}");
        return ExitCodes.Success;
    }

    private static string Slug(string person)
    {
        var slug = new StringBuilder();
        foreach (var c in person.Trim().ToLowerInvariant())
            slug.Append(char.IsAsciiLetterOrDigit(c) ? c : '-');
        var text = string.Join('-', slug.ToString().Split('-', StringSplitOptions.RemoveEmptyEntries));
        return text.Length == 0 ? "approver" : text[..Math.Min(text.Length, 40)];
    }
}
