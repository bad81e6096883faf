using System.ComponentModel;
using System.Diagnostics;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Text;

namespace IlTwo.Dsl.Revisions;

/// <summary>
/// Reads protocol files from a git revision (<c>git show REV:path</c> in a child process), and resolves the protocols they
/// extend or claim against from the same revision, next to the file.
/// </summary>
public sealed class GitProtocolSource : IProtocolRevisionSource
{
    private readonly string _workingDirectory;
    private readonly string _revision;

    private string? _commit;

    /// <summary>
    /// A source at <paramref name="revision"/>; throws <see cref="ProtocolSourceException"/> when the text cannot be a
    /// revision name (it starts with '-', or holds a control character, whitespace, ':' or a NUL), so that nothing a
    /// client sends is ever read by git as an option. The revision is resolved to a commit id before first use.
    /// </summary>
    public GitProtocolSource(string revision, string? workingDirectory = null)
    {
        if (ValidateRevision(revision) is { } problem)
        {
            throw new ProtocolSourceException(problem);
        }

        _revision = revision;
        _workingDirectory = workingDirectory ?? Environment.CurrentDirectory;
    }

    /// <summary>Why <paramref name="revision"/> is refused as a revision name, or null when it may be passed to git.</summary>
    public static string? ValidateRevision(string? revision)
    {
        if (string.IsNullOrEmpty(revision))
        {
            return "no revision was given";
        }

        if (revision.Length > 256)
        {
            return "the revision is too long";
        }

        if (revision[0] == '-')
        {
            return $"'{Escape(revision)}' is not a revision (a revision cannot start with '-')";
        }

        foreach (var c in revision)
        {
            if (char.IsControl(c) || char.IsWhiteSpace(c) || c == ':' || char.IsSurrogate(c) || c is '\u202A' or '\u202B' or '\u202C' or '\u202D' or '\u202E' or '\u2066' or '\u2067' or '\u2068' or '\u2069' or '\u200E' or '\u200F' or '\u061C')
            {
                return $"'{Escape(revision)}' is not a revision (it holds a space, ':' or a control character)";
            }
        }
        return null;
    }

    private static string Escape(string text)
    {
        var builder = new System.Text.StringBuilder();
        foreach (var c in text.Length > 80 ? text[..80] : text)
        {
            builder.Append(char.IsControl(c) || char.IsSurrogate(c) || c > '\u007e' ? $"\\u{(int)c:X4}" : c.ToString());
        }

        return builder.ToString();
    }

    /// <summary>The commit the revision names, via <c>git rev-parse --verify --end-of-options REV^{commit}</c>.</summary>
    private string Commit()
    {
        if (_commit is not null)
        {
            return _commit;
        }

        var (code, output, error) = Git("rev-parse", "--verify", "--quiet", "--end-of-options", _revision + "^{commit}");
        var id = System.Text.Encoding.ASCII.GetString(output).Trim();
        if (code != 0 || id.Length < 40 || !id.All(char.IsAsciiHexDigitLower))
        {
            _lastError = error.Trim().Length > 0 ? error.Trim() : $"'{_revision}' is not a commit in this repository";
            return "";
        }
        return _commit = id;
    }

    /// <summary>Splits <c>REV:path</c>; null when the text has no revision part.</summary>
    public static (string Revision, string Path)? Parse(string spec)
    {
        var colon = spec.IndexOf(':', StringComparison.Ordinal);
        return colon <= 0 || colon == spec.Length - 1 ? null : (spec[..colon], spec[(colon + 1)..]);
    }

    /// <summary>The file at this revision; throws <see cref="ProtocolSourceException"/> with a readable message.</summary>
    public SourceText Read(string path)
    {
        var bytes = Show(path) ?? throw new ProtocolSourceException($"'{_revision}:{path}' was not found: {_lastError}");
        return SourceText.FromBytes(bytes, Label(path));
    }

    private string Label(string path) => $"{_revision}:{path.Replace('\\', '/')}";

    private string? _lastError;

    private static string Relative(string path) => path.StartsWith('/') ? path : "./" + path.Replace('\\', '/');

    private byte[]? Show(string path)
    {
        var commit = Commit();
        if (commit.Length == 0)
        {
            return null;
        }

        var (code, output, error) = Git("show", "--no-textconv", "--end-of-options", $"{commit}:{Relative(path)}");
        _lastError = error.Trim();
        return code == 0 ? output : null;
    }

    public SourceText? Resolve(string protocolId, SourceText requestingFile)
    {
        // The requesting file's path is "REV:dir/file.il2" when it came from this source.
        var path = requestingFile.Path.StartsWith(_revision + ":", StringComparison.Ordinal) ? requestingFile.Path[(_revision.Length + 1)..] : null;
        if (path is null)
        {
            return FileSystemProtocolResolver.Instance.Resolve(protocolId, requestingFile);
        }

        var folder = Path.GetDirectoryName(path)?.Replace('\\', '/') ?? "";
        var prefix = folder.Length == 0 ? "" : folder + "/";
        if (Show(prefix + protocolId + ".il2") is { } direct)
        {
            return SourceText.FromBytes(direct, Label(prefix + protocolId + ".il2"));
        }

        var commit = Commit();
        if (commit.Length == 0)
        {
            return null;
        }

        var (code, output, _) = Git("ls-tree", "--name-only", "--end-of-options", commit, "--", Relative(prefix.Length == 0 ? "." : prefix));
        if (code != 0)
        {
            return null;
        }

        foreach (var line in System.Text.Encoding.UTF8.GetString(output).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = Path.GetFileName(line.Trim());
            if (!name.EndsWith(".il2", StringComparison.Ordinal) || prefix + name == path)
            {
                continue;
            }

            if (Show(prefix + name) is { } bytes)
            {
                var text = SourceText.FromBytes(bytes, Label(prefix + name));
                if (FileSystemProtocolResolver.DeclaresProtocol(text.Text, protocolId))
                {
                    return text;
                }
            }
        }
        return null;
    }

    private (int Code, byte[] Output, string Error) Git(params string[] args)
    {
        var info = new ProcessStartInfo("git")
        {
            WorkingDirectory = _workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new ProtocolSourceException("git could not be started");
        }
        catch (Win32Exception e)
        {
            throw new ProtocolSourceException($"git is needed to read '{_revision}:...' but could not be run: {e.Message}");
        }
        using (process)
        {
            var errorTask = process.StandardError.ReadToEndAsync();
            using var output = new MemoryStream();
            process.StandardOutput.BaseStream.CopyTo(output);
            process.WaitForExit();
            return (process.ExitCode, output.ToArray(), errorTask.GetAwaiter().GetResult());
        }
    }
}
