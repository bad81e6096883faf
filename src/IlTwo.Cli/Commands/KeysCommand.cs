using System.CommandLine;
using System.Text;
using IlTwo.Runtime.Approvals;

namespace IlTwo.Cli.Commands;

/// <summary><c>il2 keys</c>: approvers' signing keys and the trust store entries for their public halves.</summary>
public sealed class KeysCommand : ICommand
{
    public string Name => "keys";

    public string Summary => "Create an approver's signing key; export or revoke trust store entries";

    private readonly Command _new = new("new", "create an ECDSA P-256 key pair for one person in one role");
    private readonly Command _export = new("export", "print (or write) the trust store entry of a private key file");
    private readonly Command _revoke = new("revoke", "mark a trust store entry revoked: from then on no signature by that key counts");

    private readonly Option<string[]> _person = CliOptions.Valued("--person", "NAME", "the approver's name, as signatures will show it");
    private readonly Option<string[]> _role = CliOptions.Valued("--role", "pharmacist|physician", "the approver's role", null, "pharmacist", "physician");
    private readonly Option<string[]> _newOutput = CliOptions.Valued("--output", "DIR", "the folder to write the key pair to (created if missing)", ["-o"]);
    private readonly Option<string[]> _exportOutput = CliOptions.Valued("--output", "ENTRY.json", "write the entry to this file instead of stdout", ["-o"]);
    private readonly Option<string[]> _date = CliOptions.Valued("--date", "DATE", "the first day the key no longer counts, yyyy-MM-dd (default: today)");
    private readonly Option<string[]> _reason = CliOptions.Valued("--reason", "TEXT", "why the key is revoked (recorded in the entry)");
    private readonly Argument<string[]> _keyFile = CliOptions.Operands("KEYFILE", "the private key file (.il2key)");
    private readonly Argument<string[]> _entryFile = CliOptions.Operands("ENTRY.json", "the trust store entry to revoke");

    public string Details => """
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

    public void Define(Command command)
    {
        _new.Add(_person);
        _new.Add(_role);
        _new.Add(_newOutput);
        _export.Add(_exportOutput);
        _export.Add(_keyFile);
        _revoke.Add(_date);
        _revoke.Add(_reason);
        _revoke.Add(_entryFile);
        command.Add(_new);
        command.Add(_export);
        command.Add(_revoke);
    }

    public int Run(CommandContext context, ParseResult parse)
    {
        var subcommand = parse.CommandResult.Command;
        var keyFiles = parse.Values(_keyFile);
        var entryFiles = parse.Values(_entryFile);
        try
        {
            if (subcommand == _new)
            {
                return New(context, parse);
            }

            if (subcommand == _export)
            {
                return keyFiles.Count == 1 ? Export(context, parse, keyFiles[0]) : context.UsageError("keys export: give one private key file: il2 keys export KEYFILE [-o ENTRY.json]");
            }

            if (subcommand == _revoke)
            {
                return entryFiles.Count == 1 ? Revoke(context, parse, entryFiles[0]) : context.UsageError("keys revoke: give one trust store entry: il2 keys revoke ENTRY.json");
            }

            return context.UsageError("keys: give a subcommand: new, export or revoke; run 'il2 keys --help'");
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

    private int New(CommandContext context, ParseResult parse)
    {
        if (parse.Value(_person) is not { } person || string.IsNullOrWhiteSpace(person))
        {
            return context.UsageError("keys new: --person NAME is required");
        }

        if (!ApprovalEntry.TryParseRole(parse.Value(_role), out var role))
        {
            return context.UsageError("keys new: --role must be pharmacist or physician");
        }

        if (parse.Value(_newOutput) is not { } folder)
        {
            return context.UsageError("keys new: -o DIR is required");
        }

        Directory.CreateDirectory(folder);
        var stem = Path.Combine(folder, $"{Slug(person)}-{ApprovalEntry.RoleName(role)}");
        var keyPath = stem + ".il2key";
        var entryPath = stem + ".pub.json";
        if (File.Exists(keyPath) || File.Exists(entryPath))
        {
            return context.UsageError($"keys new: {keyPath} or {entryPath} exists already; not overwritten");
        }

        using var key = SigningKey.Create(person, role);
        key.Save(keyPath);
        File.WriteAllText(entryPath, key.PublicEntry().ToJson(), new UTF8Encoding(false));
        context.Out.WriteLine($"private key {keyPath} (mode 600: keep it secret, never commit it)");
        context.Out.WriteLine($"trust store entry {entryPath}: {key.Person} ({ApprovalEntry.RoleName(key.Role)}), key {key.KeyId}");
        return ExitCodes.Success;
    }

    private int Export(CommandContext context, ParseResult parse, string keyPath)
    {
        using var key = SigningKey.Load(keyPath);
        var json = key.PublicEntry().ToJson();
        if (parse.Value(_exportOutput) is { } output)
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

    private int Revoke(CommandContext context, ParseResult parse, string entryPath)
    {
        var date = ApprovalEntry.TodayUtc();
        if (parse.Value(_date) is { } text && !ApprovalEntry.TryParseDate(text, out date))
        {
            return context.UsageError($"keys revoke: --date '{text}' is not a date yyyy-MM-dd");
        }

        var entry = TrustStore.ParseEntry(File.ReadAllText(entryPath), entryPath) with { Revoked = date, RevokedReason = parse.Value(_reason) };
        File.WriteAllText(entryPath, entry.ToJson(), new UTF8Encoding(false));
        context.Out.WriteLine($"revoked key {entry.KeyId} of {entry.Person} ({ApprovalEntry.RoleName(entry.Role)}) from {ApprovalEntry.FormatDate(date)} in {entryPath}");
        return ExitCodes.Success;
    }

    private static string Slug(string person)
    {
        var slug = new StringBuilder();
        foreach (var c in person.Trim().ToLowerInvariant())
        {
            slug.Append(char.IsAsciiLetterOrDigit(c) ? c : '-');
        }

        var text = string.Join('-', slug.ToString().Split('-', StringSplitOptions.RemoveEmptyEntries));
        return text.Length == 0 ? "approver" : text[..Math.Min(text.Length, 40)];
    }
}
