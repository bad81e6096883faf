using IlTwo.Dsl.Text;

namespace IlTwo.Dsl.Compilation;

/// <summary>Finds the source of a protocol named by <c>extends</c>. The language server layers open documents over the file system.</summary>
public interface IProtocolSourceResolver
{
    /// <summary>The text of protocol <paramref name="protocolId"/>, looked up relative to the file that extends it; null when not found.</summary>
    SourceText? Resolve(string protocolId, SourceText requestingFile);
}

/// <summary>
/// Looks for <c>&lt;id&gt;.il2</c> beside the extending file, then for any .il2 file in that folder whose
/// <c>protocol</c> declaration names the id.
/// </summary>
public sealed class FileSystemProtocolResolver : IProtocolSourceResolver
{
    public static FileSystemProtocolResolver Instance { get; } = new();

    public SourceText? Resolve(string protocolId, SourceText requestingFile)
    {
        var folder = FolderOf(requestingFile.Path);
        if (folder is null || !Directory.Exists(folder))
        {
            return null;
        }

        var direct = Path.Combine(folder, protocolId + ".il2");
        if (File.Exists(direct))
        {
            return Read(direct);
        }

        foreach (var candidate in Directory.EnumerateFiles(folder, "*.il2"))
        {
            if (string.Equals(Path.GetFullPath(candidate), Path.GetFullPath(requestingFile.Path), StringComparison.Ordinal))
            {
                continue;
            }

            var text = Read(candidate);
            if (text is not null && DeclaresProtocol(text.Text, protocolId))
            {
                return text;
            }
        }
        return null;
    }

    internal static string? FolderOf(string path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        if (Uri.TryCreate(path, UriKind.Absolute, out var uri) && uri.IsFile)
        {
            path = uri.LocalPath;
        }

        return Path.GetDirectoryName(Path.GetFullPath(path));
    }

    private static SourceText? Read(string path)
    {
        try
        {
            return SourceText.FromBytes(File.ReadAllBytes(path), path);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>A cheap look at the first declaration, without a full parse.</summary>
    internal static bool DeclaresProtocol(string text, string protocolId)
    {
        foreach (var rawLine in text.AsSpan().EnumerateLines())
        {
            var line = rawLine.Trim();
            if (line.IsEmpty || line.StartsWith("//"))
            {
                continue;
            }

            if (!line.StartsWith("protocol "))
            {
                return false;
            }

            var name = line["protocol ".Length..].Trim();
            var end = name.IndexOfAny(' ', '\t', '/');
            return (end < 0 ? name : name[..end]).SequenceEqual(protocolId);
        }
        return false;
    }
}
