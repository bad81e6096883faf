using System.Security.Cryptography;
using System.Text;
using IlTwo.Dsl.Compilation;
using IlTwo.Dsl.Emit;
using IlTwo.Dsl.Text;

namespace IlTwo.Cli;

/// <summary>
/// The compiled assemblies of protocols already built on this machine, so that <c>il2 eval</c> and <c>il2 test</c> do
/// not run the whole compiler (analysis, claim proofs, Roslyn) again for a protocol that has not changed.
/// </summary>
/// <remarks>
/// <para>
/// An entry is found by the protocol file's full path, its bytes and the compiler's identity (<see cref="CompilerIdentity"/>).
/// It is valid only when the rest of the <c>extends</c> chain is unchanged too: the entry records every protocol the
/// compiler looked up while building it (<c>extends</c> bases and <c>claim</c> targets: id, asking file, and the SHA-256 of
/// the path and text it got), and a lookup asks the resolver the same questions again. The compiler is deterministic and
/// the resolver is its only input besides the file, so the same answers mean the same assembly; any edit anywhere in the
/// chain (or a different file now answering for an id) is a miss, and the texts that were checked are the texts the
/// caller compiles with (<see cref="CacheHit.Resolver"/>), so the check and the use cannot see different files.
/// </para>
/// <para>
/// Trust: the bytes of an assembly are stored under their SHA-256, recorded in the entry when it is written; a lookup
/// reads the bytes once, hashes them and compares before they go anywhere, and the caller loads exactly those bytes
/// through the verifying loader (whose approvals check is on the SHA-256 of the same bytes). A truncated, corrupted or
/// replaced entry is a miss: the protocol is compiled again and the entry replaced, never loaded.
/// Concurrent runs: every file is written to a temporary name in the same folder and renamed into place (atomic), and the
/// assembly files are content-addressed, so a reader sees a whole old entry, a whole new one, or a miss.
/// </para>
/// <para>
/// Size: after each store the least recently used entries beyond <see cref="Limits"/> and the folders of other compilers
/// unused for a week are removed (<see cref="CacheTrim"/>); a hit marks what it used.
/// </para>
/// </remarks>
public sealed class ProtocolCache
{
    /// <summary>Set to 1 (or true) to disable the cache, as <c>--no-cache</c> does.</summary>
    public const string DisableVariable = "IL2_NO_CACHE";

    /// <summary>Puts the cache in this folder instead of the user's cache folder.</summary>
    public const string DirectoryVariable = "IL2_CACHE_DIR";

    private static readonly Lazy<string> Identity = new(ComputeIdentity);

    public ProtocolCache(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = Path.GetFullPath(directory);
    }

    /// <summary>The folder holding this compiler's entries (one sub-folder per compiler identity).</summary>
    public string Directory { get; }

    /// <summary>How many entries and other compilers' folders are kept (<see cref="CacheTrim"/>).</summary>
    public CacheLimits Limits { get; init; } = CacheLimits.Default;

    /// <summary>The clock that decides what was used recently; a test sets it.</summary>
    internal Func<DateTime> UtcNow { get; init; } = () => DateTime.UtcNow;

    /// <summary>The compiler's identity: the IlTwo.Dsl informational version, the MVIDs of the assemblies that shape the output, and the runtime version.</summary>
    public static string CompilerIdentity => Identity.Value;

    /// <summary>The cache of <see cref="DefaultDirectory"/>, or null when <see cref="DisableVariable"/> disables it.</summary>
    public static ProtocolCache? FromEnvironment()
    {
        var disabled = Environment.GetEnvironmentVariable(DisableVariable);
        if (disabled is "1" || string.Equals(disabled, "true", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return DefaultDirectory() is { } directory ? new ProtocolCache(directory) : null;
    }

    /// <summary><see cref="DirectoryVariable"/>; else <c>$XDG_CACHE_HOME/il2</c>; else <c>~/.cache/il2</c>; else the local application data folder's <c>il2</c>.</summary>
    public static string? DefaultDirectory()
    {
        if (Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } explicitDirectory)
        {
            return explicitDirectory;
        }

        if (Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg))
        {
            return Path.Combine(xdg, "il2");
        }

        if (!OperatingSystem.IsWindows() && Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) is { Length: > 0 } home)
        {
            return Path.Combine(home, ".cache", "il2");
        }

        return Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData) is { Length: > 0 } local ? Path.Combine(local, "il2") : null;
    }

    private string CompilerFolder => Path.Combine(Directory, Sha256Hex(CompilerIdentity)[..16]);

    /// <summary>
    /// The verified entry for <paramref name="sourcePath"/> with these bytes, or null (absent, stale, or failing a check).
    /// Never throws for a bad entry or an unreadable cache.
    /// </summary>
    public CacheHit? Find(string sourcePath, byte[] sourceBytes, IProtocolSourceResolver? resolver = null)
    {
        ArgumentNullException.ThrowIfNull(sourceBytes);
        resolver ??= FileSystemProtocolResolver.Instance;
        var fullPath = Path.GetFullPath(sourcePath);
        try
        {
            var manifestPath = ManifestPath(fullPath, sourceBytes);
            if (!File.Exists(manifestPath))
            {
                return null;
            }

            var entry = CacheEntry.Parse(File.ReadAllText(manifestPath, Encoding.UTF8), out var entryId);
            if (entry is null || entry.SourcePath != fullPath || entry.SourceHash != Sha256Hex(sourceBytes) || entry.Compiler != CompilerIdentity)
            {
                return null;
            }

            // The same questions, the same answers: otherwise some file of the chain changed.
            var answers = new Dictionary<(string Id, string AskingPath), SourceText?>();
            foreach (var lookup in entry.Lookups)
            {
                var text = resolver.Resolve(lookup.Id, SourceText.From("", lookup.AskingPath));
                if (AnswerHash(text) != lookup.AnswerHash)
                {
                    return null;
                }

                answers[(lookup.Id, lookup.AskingPath)] = text;
            }

            var assembly = ReadVerified(BlobPath(entry.AssemblyHash, ".dll"), entry.AssemblyHash);
            var pdb = ReadVerified(BlobPath(entry.PdbHash, ".pdb"), entry.PdbHash);
            if (assembly is null || pdb is null)
            {
                return null;
            }

            CacheTrim.Touch(Limits, UtcNow(), manifestPath, BlobPath(entry.AssemblyHash, ".dll"), BlobPath(entry.PdbHash, ".pdb"), CompilerFolder);
            return new CacheHit(entry.AssemblyName, assembly, pdb, entry.CanonicalHash, new ReplayResolver(answers), entryId);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>
    /// Records a successful build: <paramref name="lookups"/> are what the compiler asked its resolver
    /// (<see cref="RecordingResolver.Lookups"/>). Failing to write (read-only or full disk) only costs the next run a compile.
    /// Returns the entry's id (<see cref="CacheHit.EntryId"/>), or null when nothing was stored.
    /// </summary>
    public string? Store(string sourcePath, byte[] sourceBytes, IReadOnlyList<ResolverLookup> lookups, ProtocolAssembly assembly, string canonicalHash)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        if (!assembly.Success)
        {
            return null;
        }

        var fullPath = Path.GetFullPath(sourcePath);
        try
        {
            CreatePrivateDirectory(CompilerFolder);
            var dll = assembly.Assembly.ToArray();
            var pdb = assembly.Pdb.ToArray();
            var entry = new CacheEntry(CompilerIdentity, fullPath, Sha256Hex(sourceBytes), [.. lookups], assembly.AssemblyName, Sha256Hex(dll), Sha256Hex(pdb), canonicalHash);
            // The blobs first: an entry never names bytes that are not there yet.
            WriteAtomically(BlobPath(entry.AssemblyHash, ".dll"), dll);
            WriteAtomically(BlobPath(entry.PdbHash, ".pdb"), pdb);
            var text = entry.Format(out var entryId);
            WriteAtomically(ManifestPath(fullPath, sourceBytes), Encoding.UTF8.GetBytes(text));
            CacheTrim.Run(Directory, CompilerFolder, Limits, UtcNow());
            return entryId;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            // The cache is an optimisation; the build itself succeeded.
            return null;
        }
    }

    /// <summary>
    /// The report <c>il2 test</c> printed for the protocol of entry <paramref name="entryId"/> (a hit that
    /// <see cref="Find"/> has just checked against the whole chain) given as <paramref name="displayPath"/>, or null.
    /// The report is a function of the chain's texts, the compiler and engine (the entry's compiler identity) and il2's
    /// own code (<see cref="ReportIdentity"/>), all in its key; a damaged or foreign report is a miss, never printed.
    /// </summary>
    public TestReport? FindReport(string entryId, string displayPath)
    {
        try
        {
            var path = ReportPath(entryId, displayPath);
            var report = File.Exists(path) ? TestReport.Parse(File.ReadAllText(path, Encoding.UTF8), entryId, ReportIdentity, displayPath) : null;
            if (report is not null)
            {
                CacheTrim.Touch(Limits, UtcNow(), path);
            }

            return report;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>Records what <c>il2 test</c> printed for entry <paramref name="entryId"/>; a failed write only costs the next run the scenarios.</summary>
    public void StoreReport(string entryId, string displayPath, TestReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        try
        {
            CreatePrivateDirectory(CompilerFolder);
            WriteAtomically(ReportPath(entryId, displayPath), Encoding.UTF8.GetBytes(report.Format(entryId, ReportIdentity, displayPath)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            // As for Store: the run itself succeeded.
        }
    }

    /// <summary>il2's own code writes the report's lines: its MVID is part of a report's key (the compiler's is in the entry's).</summary>
    internal static string ReportIdentity => $"il2:{typeof(ProtocolCache).Assembly.ManifestModule.ModuleVersionId:N}";

    private string ReportPath(string entryId, string displayPath) =>
        Path.Combine(CompilerFolder, Sha256Hex($"{entryId}\n{ReportIdentity}\n{displayPath}") + ".test");

    private string ManifestPath(string fullPath, byte[] sourceBytes) =>
        Path.Combine(CompilerFolder, Sha256Hex($"{fullPath}\n{Sha256Hex(sourceBytes)}") + ".entry");

    private string BlobPath(string sha256, string extension) => Path.Combine(CompilerFolder, sha256 + extension);

    /// <summary>The bytes, only when their SHA-256 is the recorded one.</summary>
    private static byte[]? ReadVerified(string path, string sha256)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var bytes = File.ReadAllBytes(path);
        return string.Equals(Sha256Hex(bytes), sha256, StringComparison.Ordinal) ? bytes : null;
    }

    private static void WriteAtomically(string path, byte[] bytes)
    {
        var temporary = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    private static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(path);
            return;
        }
        System.IO.Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>Lookups are recorded by full path, so that <c>x.il2</c> and <c>./x.il2</c> ask the same question.</summary>
    internal static string NormalPath(string path) => path.Length == 0 ? path : Path.GetFullPath(path);

    internal static string AnswerHash(SourceText? text) => text is null ? "-" : Sha256Hex($"{text.Path}\n{text.Text}");

    internal static string Sha256Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    internal static string Sha256Hex(string text) => Sha256Hex(Encoding.UTF8.GetBytes(text));

    private static string ComputeIdentity()
    {
        var dsl = typeof(ProtocolCompiler).Assembly;
        var informational = dsl.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "";
        return string.Join('|',
            informational,
            Of(dsl),
            Of(typeof(IlTwo.Runtime.Protocols.ProtocolRules).Assembly),
            RoslynIdentity(),
            Environment.Version.ToString());
    }

    /// <summary>
    /// Roslyn's part of <see cref="CompilerIdentity"/>: the MVID of Microsoft.CodeAnalysis.CSharp read from the file the
    /// runtime loads it from (the trusted platform assemblies of the default context), so that a cache hit does not load
    /// Roslyn at all; the loaded assembly's own when it is already loaded or its file is not listed.
    /// </summary>
    private static string RoslynIdentity()
    {
        const string name = "Microsoft.CodeAnalysis.CSharp";
        var loaded = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == name);
        if (loaded is null && TrustedPlatformPath(name) is { } path && ReadModuleVersionId(path) is { } mvid)
        {
            return $"{name}:{mvid:N}:{ImageSize(path)}";
        }

        return Of(loaded ?? LoadRoslyn());
    }

    /// <summary>Apart, because the JIT loads the assembly of a type a method names when it compiles that method.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static System.Reflection.Assembly LoadRoslyn() => typeof(Microsoft.CodeAnalysis.CSharp.CSharpCompilation).Assembly;

    private static string Of(System.Reflection.Assembly assembly) =>
        $"{assembly.GetName().Name}:{assembly.ManifestModule.ModuleVersionId:N}:{ImageSize(assembly.Location)}";

    /// <summary>
    /// The size of an assembly's file: a ReadyToRun image keeps its IL's MVID but is larger, and a protocol compiled against
    /// it has other bytes (its PDB records each reference's image size), so an IL-only and a precompiled il2 of the same
    /// code are two compilers to the cache. 0 for an assembly without a file.
    /// </summary>
    private static long ImageSize(string path)
    {
        try
        {
            return path.Length > 0 ? new FileInfo(path).Length : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>The path of <paramref name="simpleName"/> among the default context's trusted platform assemblies, or null.</summary>
    internal static string? TrustedPlatformPath(string simpleName) =>
        (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string)?.Split(Path.PathSeparator)
            .FirstOrDefault(p => string.Equals(Path.GetFileName(p), simpleName + ".dll", StringComparison.OrdinalIgnoreCase));

    /// <summary>The MVID of the assembly file at <paramref name="path"/>, read from its metadata without loading it; null when unreadable.</summary>
    internal static Guid? ReadModuleVersionId(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var pe = new System.Reflection.PortableExecutable.PEReader(stream);
            var metadata = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
            return metadata.GetGuid(metadata.GetModuleDefinition().Mvid);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or BadImageFormatException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Serves the texts a lookup checked, and nothing else, to the compilation that goes with a hit.</summary>
    private sealed class ReplayResolver(Dictionary<(string Id, string AskingPath), SourceText?> answers) : IProtocolSourceResolver
    {
        public SourceText? Resolve(string protocolId, SourceText requestingFile) =>
            answers.TryGetValue((protocolId, NormalPath(requestingFile.Path)), out var text) ? text : null;
    }
}

/// <summary>
/// A verified cache entry: the assembly's bytes (their SHA-256 checked), the resolver the protocol's compilation must use,
/// and the entry's id (the SHA-256 of its whole text: compiler, source, every lookup's answer, assembly), which keys what
/// else is cached for exactly this build (<see cref="ProtocolCache.FindReport"/>).
/// </summary>
public sealed record CacheHit(string AssemblyName, byte[] Assembly, byte[] Pdb, string CanonicalHash, IProtocolSourceResolver Resolver, string EntryId);

/// <summary>What <c>il2 test</c> printed for one protocol file (every line but the total) and its counts.</summary>
public sealed record TestReport(IReadOnlyList<string> Lines, int Passed, int Failed)
{
    private const string Header = "il2-test-report 1";

    internal string Format(string entryId, string identity, string displayPath)
    {
        var builder = new StringBuilder();
        builder.Append(Header).Append('\n');
        SealedText.Line(builder, "entry", entryId);
        SealedText.Line(builder, "il2", identity);
        SealedText.Line(builder, "display", displayPath);
        SealedText.Line(builder, "counts", Passed.ToString(System.Globalization.CultureInfo.InvariantCulture), Failed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var line in Lines)
        {
            SealedText.Line(builder, "line", line);
        }

        return SealedText.Seal(builder.ToString(), out _);
    }

    /// <summary>Null for anything but a whole, unaltered report of this entry, il2 and display path.</summary>
    internal static TestReport? Parse(string text, string entryId, string identity, string displayPath)
    {
        if (SealedText.Open(text, Header, out _) is not { } lines)
        {
            return null;
        }

        string? entry = null, il2 = null, display = null;
        int? passed = null, failed = null;
        var printed = new List<string>();
        foreach (var fields in lines)
        {
            switch (fields)
            {
                case ["entry", var value]:
                    entry = value;
                    break;
                case ["il2", var value]:
                    il2 = value;
                    break;
                case ["display", var value]:
                    display = value;
                    break;
                case ["counts", var p, var f] when Count(p) is { } pass && Count(f) is { } fail:
                    (passed, failed) = (pass, fail);
                    break;
                case ["line", var value]:
                    printed.Add(value);
                    break;
                default:
                    return null;
            }
        }

        return entry == entryId && il2 == identity && display == displayPath && passed is { } p2 && failed is { } f2 ? new TestReport(printed, p2, f2) : null;
    }

    private static int? Count(string text) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;
}

/// <summary>
/// The cache's text files: a header, one field a line with its values escaped, and last <c>check</c> and the SHA-256 of
/// everything above it, which is also the file's id. Any truncation or alteration fails the check.
/// </summary>
internal static class SealedText
{
    private const string Check = "check ";

    public static string Seal(string body, out string id)
    {
        id = ProtocolCache.Sha256Hex(body);
        return body + Check + id + "\n";
    }

    /// <summary>Each line's unescaped fields after the header, or null when the check fails or the header is another.</summary>
    public static List<string[]>? Open(string text, string header, out string id)
    {
        id = "";
        var checkAt = text.LastIndexOf(Check, StringComparison.Ordinal);
        if (checkAt < 0 || !text.EndsWith('\n') || text[(checkAt + Check.Length)..^1] != ProtocolCache.Sha256Hex(text[..checkAt]))
        {
            return null;
        }

        var lines = text[..checkAt].Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0 || lines[0] != header)
        {
            return null;
        }

        id = text[(checkAt + Check.Length)..^1];
        return [.. lines.Skip(1).Select(line => line.Split(' ').Select(Uri.UnescapeDataString).ToArray())];
    }

    public static void Line(StringBuilder builder, string field, params string[] values)
    {
        builder.Append(field);
        foreach (var value in values)
        {
            builder.Append(' ').Append(Uri.EscapeDataString(value));
        }

        builder.Append('\n');
    }
}

/// <summary>One question the compiler asked its resolver, and the hash of the answer (<c>-</c> for none).</summary>
public sealed record ResolverLookup(string Id, string AskingPath, string AnswerHash);

/// <summary>A resolver that records what it was asked, for <see cref="ProtocolCache.Store"/>.</summary>
public sealed class RecordingResolver(IProtocolSourceResolver inner) : IProtocolSourceResolver
{
    private readonly List<ResolverLookup> _lookups = [];

    public IReadOnlyList<ResolverLookup> Lookups
    {
        get
        {
            lock (_lookups)
            {
                return [.. _lookups];
            }
        }
    }

    public SourceText? Resolve(string protocolId, SourceText requestingFile)
    {
        var text = inner.Resolve(protocolId, requestingFile);
        lock (_lookups)
        {
            _lookups.Add(new ResolverLookup(protocolId, ProtocolCache.NormalPath(requestingFile.Path), ProtocolCache.AnswerHash(text)));
        }
        return text;
    }
}

/// <summary>The text of an entry: one field a line, values escaped, and last the SHA-256 of everything above it.</summary>
internal sealed record CacheEntry(
    string Compiler, string SourcePath, string SourceHash, ResolverLookup[] Lookups, string AssemblyName, string AssemblyHash, string PdbHash, string CanonicalHash)
{
    internal const string Header = "il2-protocol-cache 1";

    public string Format(out string id)
    {
        var builder = new StringBuilder();
        builder.Append(Header).Append('\n');
        Line(builder, "compiler", Compiler);
        Line(builder, "source", SourcePath, SourceHash);
        foreach (var lookup in Lookups)
        {
            Line(builder, "lookup", lookup.Id, lookup.AskingPath, lookup.AnswerHash);
        }

        Line(builder, "assembly", AssemblyName, AssemblyHash);
        Line(builder, "pdb", PdbHash);
        Line(builder, "canonical", CanonicalHash);
        return SealedText.Seal(builder.ToString(), out id);
    }

    /// <summary>Null for anything but a whole, unaltered entry; <paramref name="entryId"/> is its <see cref="CacheHit.EntryId"/>.</summary>
    public static CacheEntry? Parse(string text, out string entryId)
    {
        if (SealedText.Open(text, Header, out entryId) is not { } lines)
        {
            return null;
        }

        string? compiler = null, sourcePath = null, sourceHash = null, assemblyName = null, assemblyHash = null, pdbHash = null, canonical = null;
        var lookups = new List<ResolverLookup>();
        foreach (var fields in lines)
        {
            switch (fields)
            {
                case ["compiler", var value]:
                    compiler = value;
                    break;
                case ["source", var path, var hash]:
                    (sourcePath, sourceHash) = (path, hash);
                    break;
                case ["lookup", var id, var asking, var answer]:
                    lookups.Add(new ResolverLookup(id, asking, answer));
                    break;
                case ["assembly", var name, var hash]:
                    (assemblyName, assemblyHash) = (name, hash);
                    break;
                case ["pdb", var hash]:
                    pdbHash = hash;
                    break;
                case ["canonical", var hash]:
                    canonical = hash;
                    break;
                default:
                    return null;
            }
        }
        if (compiler is null || sourcePath is null || sourceHash is null || assemblyName is null || assemblyHash is null || pdbHash is null || canonical is null)
        {
            return null;
        }

        return IsSha256(assemblyHash) && IsSha256(pdbHash) && IsFileName(assemblyName)
            ? new CacheEntry(compiler, sourcePath, sourceHash, [.. lookups], assemblyName, assemblyHash, pdbHash, canonical)
            : null;
    }

    private static bool IsSha256(string text) => text.Length == 64 && text.All(char.IsAsciiHexDigitLower);

    private static bool IsFileName(string text) => text.Length > 0 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') && !text.StartsWith('.');

    private static void Line(StringBuilder builder, string field, params string[] values) => SealedText.Line(builder, field, values);
}
