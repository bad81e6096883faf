namespace IlTwo.Cli;

/// <summary>A protocol file found from a command-line path: where to read it, and how to name it in output.</summary>
/// <param name="FullPath">The path to open.</param>
/// <param name="DisplayPath">The path as given on the command line, joined with the file's path relative to it, with '/' separators.</param>
public sealed record ProtocolFile(string FullPath, string DisplayPath);

/// <summary>The result of expanding command-line paths: the files found (sorted, without repeats) and one message per bad path.</summary>
public sealed record ProtocolFileSet(IReadOnlyList<ProtocolFile> Files, IReadOnlyList<string> Errors);

/// <summary>Turns the paths given to a command (files or folders) into the .il2 files to work on.</summary>
public static class ProtocolFiles
{
    public const string Extension = ".il2";

    /// <summary>
    /// A file is taken as it is (whatever its extension); a folder contributes every <c>*.il2</c> below it, recursively,
    /// in ordinal order of their relative paths. A missing path or an unreadable folder is an error.
    /// </summary>
    public static ProtocolFileSet Expand(IEnumerable<string> paths, IFileSystem? fileSystem = null)
    {
        var fs = fileSystem ?? PhysicalFileSystem.Instance;
        var files = new List<ProtocolFile>();
        var errors = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            if (string.IsNullOrWhiteSpace(path))
            {
                errors.Add("empty path");
                continue;
            }
            if (fs.FileExists(path))
            {
                Add(new ProtocolFile(path, Display(path)));
            }
            else if (fs.DirectoryExists(path))
            {
                try
                {
                    var found = fs.EnumerateFiles(path, "*" + Extension, SearchOption.AllDirectories)
                        .Where(f => f.EndsWith(Extension, StringComparison.Ordinal))
                        .Select(f => new ProtocolFile(f, Join(path, Path.GetRelativePath(path, f))))
                        .OrderBy(f => f.DisplayPath, StringComparer.Ordinal)
                        .ToList();
                    if (found.Count == 0)
                    {
                        errors.Add($"{Display(path)}: no {Extension} files in this folder");
                    }

                    found.ForEach(Add);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
                {
                    errors.Add($"{Display(path)}: cannot read folder: {e.Message}");
                }
            }
            else
            {
                errors.Add($"{Display(path)}: no such file or folder");
            }
        }
        return new ProtocolFileSet(files, errors);

        void Add(ProtocolFile file)
        {
            if (seen.Add(Path.GetFullPath(file.FullPath)))
            {
                files.Add(file);
            }
        }
    }

    private static string Display(string path) => path.Replace('\\', '/');

    private static string Join(string root, string relative)
    {
        var display = Display(root).TrimEnd('/');
        var rel = Display(relative);
        if (display.Length == 0)
        {
            return Display(root).StartsWith('/') ? "/" + rel : rel;
        }

        return display + "/" + rel;
    }
}
