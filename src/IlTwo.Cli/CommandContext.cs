namespace IlTwo.Cli;

/// <summary>What a command may touch: its output writers and the file system. Tests substitute both.</summary>
public sealed class CommandContext(TextWriter stdout, TextWriter stderr, IFileSystem? fileSystem = null)
{
    public TextWriter Out { get; } = stdout;

    public TextWriter Error { get; } = stderr;

    public IFileSystem FileSystem { get; } = fileSystem ?? PhysicalFileSystem.Instance;

    /// <summary>Compiled protocols already built (<see cref="ProtocolCache"/>); null: none (<c>IL2_NO_CACHE=1</c>, or a test's choice).</summary>
    public ProtocolCache? Cache { get; init; } = ProtocolCache.FromEnvironment();

    /// <summary>Writes <c>il2: message</c> to stderr and returns <see cref="ExitCodes.Usage"/>.</summary>
    public int UsageError(string message)
    {
        Error.WriteLine($"il2: {message}");
        return ExitCodes.Usage;
    }
}

/// <summary>The file-system calls commands make, so tests can simulate unreadable files and folders.</summary>
public interface IFileSystem
{
    bool FileExists(string path);

    bool DirectoryExists(string path);

    IEnumerable<string> EnumerateFiles(string directory, string pattern, SearchOption searchOption);

    byte[] ReadAllBytes(string path);
}

public sealed class PhysicalFileSystem : IFileSystem
{
    public static PhysicalFileSystem Instance { get; } = new();

    public bool FileExists(string path) => File.Exists(path);

    public bool DirectoryExists(string path) => Directory.Exists(path);

    public IEnumerable<string> EnumerateFiles(string directory, string pattern, SearchOption searchOption) =>
        Directory.EnumerateFiles(directory, pattern, new EnumerationOptions
        {
            RecurseSubdirectories = searchOption == SearchOption.AllDirectories,
            IgnoreInaccessible = false,
            AttributesToSkip = FileAttributes.None,
            MatchCasing = MatchCasing.CaseSensitive,
        });

    public byte[] ReadAllBytes(string path) => File.ReadAllBytes(path);
}
