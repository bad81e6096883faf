using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using IlTwo.Cli.Commands;

namespace IlTwo.Cli.Tests;

public sealed partial class CheckCommandTests
{
    /// <summary>Every line check prints on stdout in text mode: a diagnostic in the compiler format, or the summary.</summary>
    [GeneratedRegex(@"^(?<path>.+)\((?<line>\d+),(?<col>\d+)\): (?<severity>error|warning|info) (?<code>IL\d{4}): (?<message>.+)$")]
    private static partial Regex DiagnosticLine();

    [GeneratedRegex(@"^checked (?<files>\d+) file\(s\): (?<errors>\d+) error\(s\), (?<warnings>\d+) warning\(s\)$")]
    private static partial Regex SummaryLine();

    private const string Valid = """
        protocol tiny
        title "Tiny"
        version 1.0.0
        regimen {
          drug aldesleukin
          every 8 h
        }
        """;

    [Fact]
    public void ShippedProtocols_CheckClean()
    {
        var result = CliRunner.Run("check", CliRunner.ProtocolsFolder);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Equal("checked 2 file(s): 0 error(s), 0 warning(s)", Assert.Single(result.OutLines));
    }

    [Fact]
    public void Errors_ArePrintedInCompilerFormat_WithPathAsGiven_AndExitOne()
    {
        using var temp = new TempFolder();
        temp.Write("sub/bad.il2", Valid + "\nhold rule r {\n  when sbp < 90 mm[Hg]\n}\n");

        var result = CliRunner.Run("check", temp.Path);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains($"{temp.Path.Replace('\\', '/')}/sub/bad.il2(9,8): error IL0105: 'sbp' is not a declared observation or constant", result.OutLines);
        AssertWellFormed(result);
    }

    [Fact]
    public void WarningsOnly_ExitZero_AndAreCounted()
    {
        using var temp = new TempFolder();
        var file = temp.Write("w.il2", Valid + "\nreference unused \"Never cited\"\n");

        var result = CliRunner.Run("check", file);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains(result.OutLines, l => l.Contains(": warning IL0307: ", StringComparison.Ordinal));
        Assert.Equal("checked 1 file(s): 0 error(s), 1 warning(s)", result.OutLines[^1]);
    }

    [Fact]
    public void JsonFormat_IsAnArrayOfLocatedDiagnostics_SummaryOnStderr()
    {
        using var temp = new TempFolder();
        var file = temp.Write("j.il2", "protocol j\ntitle \"J\"\nversion 1.0.0\nregimen {\n  drug d\n  every 8 h\n  at most 0 doses per cycle\n}\n");

        var result = CliRunner.Run("check", "--format", "json", file);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var item = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal(file.Replace('\\', '/'), item.GetProperty("path").GetString());
        Assert.Equal(7, item.GetProperty("line").GetInt32());
        Assert.Equal(11, item.GetProperty("column").GetInt32());
        Assert.Equal(7, item.GetProperty("endLine").GetInt32());
        Assert.Equal(12, item.GetProperty("endColumn").GetInt32());
        Assert.Equal("error", item.GetProperty("severity").GetString());
        Assert.Equal("IL0212", item.GetProperty("code").GetString());
        Assert.Equal("the most doses must be a whole number of at least 1", item.GetProperty("message").GetString());
        Assert.Contains("\"message\": \"the most doses", result.Out, StringComparison.Ordinal);
        Assert.Equal("checked 1 file(s): 1 error(s), 0 warning(s)\n", result.Error);
    }

    [Fact]
    public void JsonFormat_NoDiagnostics_IsEmptyArray()
    {
        var result = CliRunner.Run("check", "--format=json", CliRunner.ProtocolsFolder);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal(0, JsonDocument.Parse(result.Out).RootElement.GetArrayLength());
    }

    [Theory]
    [InlineData("--format", "xml")]
    [InlineData("--bogus")]
    [InlineData("--format")]
    public void BadOptions_AreUsageErrors(params string[] options)
    {
        var result = CliRunner.Run(["check", .. options, CliRunner.ProtocolsFolder]);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.StartsWith("il2: check: ", result.Error);
    }

    [Fact]
    public void NoPaths_IsUsageError()
    {
        var result = CliRunner.Run("check");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Contains("give at least one file or folder", result.Error);
    }

    [Fact]
    public void MissingFolder_ExitsTwo_ButStillChecksTheOtherPaths()
    {
        using var temp = new TempFolder();
        var missing = Path.Combine(temp.Path, "does-not-exist");

        var result = CliRunner.Run("check", missing, CliRunner.ProtocolsFolder);

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Equal($"il2: {missing.Replace('\\', '/')}: no such file or folder\n", result.Error);
        Assert.Equal("checked 2 file(s): 0 error(s), 0 warning(s)", result.OutLines[^1]);
    }

    // ------------------------------------------------------------ bad input: located diagnostics, never a crash

    [Fact]
    public void EmptyFile_ReportsIL0009()
    {
        var result = CheckBytes([]);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Matches(@"\(1,1\): error IL0009: ", result.OutLines[0]);
    }

    [Fact]
    public void BinaryGarbage_ReportsLocatedErrors()
    {
        var bytes = new byte[8192];
        new Random(20260127).NextBytes(bytes);
        bytes[10] = 0;
        bytes[4000] = 0;

        var result = CheckBytes(bytes);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains(result.OutLines, l => l.Contains("error IL0008: ", StringComparison.Ordinal));
        Assert.Contains(result.OutLines, l => l.Contains("error IL0006: ", StringComparison.Ordinal));
        AssertWellFormed(result);
    }

    [Fact]
    public void TenMegabyteFile_IsChecked()
    {
        var text = new StringBuilder(Valid).Append('\n');
        var rule = "// a long file of comments, so that it is large but otherwise valid\n";
        while (text.Length < 10 * 1024 * 1024)
        {
            text.Append(rule);
        }

        text.Append("const k = 1 mg\n");

        var result = CheckBytes(Encoding.UTF8.GetBytes(text.ToString()));

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var lines = text.ToString().Count(c => c == '\n');
        Assert.Equal($"x.il2({lines},7): warning IL0306: constant 'k' is declared but never used", Path.GetFileName(result.OutLines[0]));
    }

    [Fact]
    public void HundredThousandNestedParentheses_ReportIL0005()
    {
        var text = "protocol p\nconst k = " + new string('(', 100_000) + "1" + new string(')', 100_000) + "\n";

        var result = CheckBytes(Encoding.UTF8.GetBytes(text));

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Matches(@"x\.il2\(2,139\): error IL0005: parentheses nested more than 128 deep", result.OutLines[0]);
        AssertWellFormed(result);
    }

    [Theory]
    [InlineData("not ")]
    [InlineData("-")]
    public void HundredThousandPrefixOperators_ReportIL0005(string op)
    {
        var text = "protocol p\nconst k = " + string.Concat(Enumerable.Repeat(op, 100_000)) + "1\n";

        var result = CheckBytes(Encoding.UTF8.GetBytes(text));

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains(result.OutLines, l => l.Contains("error IL0005: ", StringComparison.Ordinal));
    }

    [Fact]
    public void InvalidUtf8_ReportsIL0008AtTheBadByte()
    {
        var bytes = Encoding.UTF8.GetBytes("protocol c\ntitle \"caf").Concat(new byte[] { 0xC3, 0x28 }).Concat(Encoding.UTF8.GetBytes("\"\n")).ToArray();

        var result = CheckBytes(bytes);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains(result.OutLines, l => l.EndsWith("x.il2(2,11): error IL0008: the file is not valid UTF-8 text (is it a binary file?); invalid bytes were replaced", StringComparison.Ordinal));
    }

    [Fact]
    public void CrlfLineEnds_GiveTheSameLocationsAsLf()
    {
        var lf = "protocol c\ntitle \"t\"\nversion 1.0.0\nregimen {\n  drug d\n  every 8 kg\n}\n";

        var withLf = CheckBytes(Encoding.UTF8.GetBytes(lf));
        var withCrlf = CheckBytes(Encoding.UTF8.GetBytes(lf.Replace("\n", "\r\n")));
        var withCr = CheckBytes(Encoding.UTF8.GetBytes(lf.Replace("\n", "\r")));

        Assert.Equal(ExitCodes.Failure, withCrlf.ExitCode);
        Assert.EndsWith("x.il2(6,11): error IL0210: the dosing interval must be a duration (h, min, d), not mass", withCrlf.OutLines[1]);
        Assert.Equal(Relative(withLf), Relative(withCrlf));
        Assert.Equal(Relative(withLf), Relative(withCr));

        static string[] Relative(CliResult r) => [.. r.OutLines.Select(l => l[Math.Max(0, l.IndexOf("x.il2", StringComparison.Ordinal))..])];
    }

    [Fact]
    public void NonIl2File_NamedExplicitly_IsCheckedAsGiven()
    {
        using var temp = new TempFolder();
        var file = temp.Write("readme.txt", "just prose");

        var result = CliRunner.Run("check", file);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        AssertWellFormed(result);
    }

    // ------------------------------------------------------------ I/O errors

    [UnixFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void UnreadableFile_ExitsTwo_WithAClearMessage()
    {
        using var temp = new TempFolder();
        var file = temp.Write("secret.il2", Valid);
        File.SetUnixFileMode(file, UnixFileMode.None);
        try
        {
            var readable = CanRead(() => File.ReadAllBytes(file));
            var result = CliRunner.Run("check", file);

            if (readable)
            {
                // Permission bits do not stop root: then the file is simply checked. Assert that this is the reason.
                Assert.True(Environment.UserName == "root" || Environment.IsPrivilegedProcess, "an unreadable file was readable without root");
                Assert.Equal(ExitCodes.Success, result.ExitCode);
                Assert.Equal("checked 1 file(s): 0 error(s), 0 warning(s)", Assert.Single(result.OutLines));
            }
            else
            {
                Assert.Equal(ExitCodes.Usage, result.ExitCode);
                Assert.StartsWith($"il2: {file.Replace('\\', '/')}: cannot read file: ", result.Error);
                Assert.Equal("checked 0 file(s): 0 error(s), 0 warning(s)", Assert.Single(result.OutLines));
            }
        }
        finally
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    [UnixFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void UnreadableFolder_ExitsTwo_WithAClearMessage()
    {
        using var temp = new TempFolder();
        temp.Write("locked/a.il2", Valid);
        var folder = Path.Combine(temp.Path, "locked");
        File.SetUnixFileMode(folder, UnixFileMode.None);
        try
        {
            var readable = CanRead(() => Directory.GetFiles(folder));
            var result = CliRunner.Run("check", folder);

            if (readable)
            {
                Assert.True(Environment.UserName == "root" || Environment.IsPrivilegedProcess, "an unreadable folder was readable without root");
                Assert.Equal(ExitCodes.Success, result.ExitCode);
            }
            else
            {
                Assert.Equal(ExitCodes.Usage, result.ExitCode);
                Assert.StartsWith($"il2: {folder.Replace('\\', '/')}: cannot read folder: ", result.Error);
            }
        }
        finally
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>The same I/O error paths without depending on who runs the tests (root reads any file).</summary>
    [Fact]
    public void UnreadableFileAndFolder_ThroughTheFileSystemSeam_ExitTwo()
    {
        var fs = new DenyingFileSystem();

        var result = CliRunner.Run(new CliApplication(CliApplication.DefaultCommands()), fs, "check", "denied.il2", "denied-folder");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Equal(
            "il2: denied-folder: cannot read folder: Access to the path 'denied-folder' is denied.\n" +
            "il2: denied.il2: cannot read file: Access to the path 'denied.il2' is denied.\n",
            result.Error);
        Assert.Equal("checked 0 file(s): 0 error(s), 0 warning(s)", Assert.Single(result.OutLines));
    }

    // ------------------------------------------------------------ the guard

    /// <summary>The one test of IL0999 (listed in the Dsl corpus guard's exceptions): the compiler throwing is a located internal error.</summary>
    [Fact]
    public void CompilerException_BecomesInternalErrorIL0999_AndExitOne()
    {
        using var temp = new TempFolder();
        var good = temp.Write("a.il2", Valid);
        var bad = temp.Write("b.il2", Valid);
        var check = new CheckCommand(text => text.Path == bad ? throw new InvalidOperationException("boom\nsecond line") : []);

        var result = CliRunner.Run(new CliApplication([check]), null, "check", temp.Path);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Equal(
            [$"{bad.Replace('\\', '/')}(1,1): error IL0999: internal compiler error: InvalidOperationException: boom second line", "checked 2 file(s): 1 error(s), 0 warning(s)"],
            result.OutLines);
        Assert.DoesNotContain(" at ", result.Out + result.Error, StringComparison.Ordinal);
        _ = good;
    }

    [Fact]
    public void Guard_RunsOnALargeStack()
    {
        static int Recurse(int n) => n == 0 ? 0 : 1 + Recurse(n - 1);

        var (result, error) = CompilerGuard.Run(() => Recurse(200_000));

        Assert.Null(error);
        Assert.Equal(200_000, result);
    }

    // ------------------------------------------------------------ helpers

    private static CliResult CheckBytes(byte[] bytes)
    {
        using var temp = new TempFolder();
        var file = temp.WriteBytes("x.il2", bytes);
        var result = CliRunner.Run("check", file);
        AssertWellFormed(result);
        return result;
    }

    /// <summary>Text output is only diagnostic lines and one summary line whose counts match; nothing looks like a stack trace.</summary>
    [Theory]
    [InlineData("quote\"d.il2", "quote\\\"d.il2", true)]
    [InlineData("new\nline.il2", "new\\nline.il2", true)]
    [InlineData("fake.il2(1,1): error IL0101: forged\nreal.il2", "fake.il2(1,1): error IL0101: forged\\nreal.il2", true)]
    [InlineData("bidi\u202Egpj.il2", "bidi\\u202Egpj.il2", true)]
    [InlineData("back\\slash.il2", "back/slash.il2", false)] // the display path writes separators as '/'
    public void A_file_name_with_a_quote_newline_or_control_character_cannot_forge_output_lines(string name, string shown, bool quoted)
    {
        using var temp = new TempFolder();
        var file = temp.Write(name, Valid + "\nhold rule r {\n  when sbp < 90 mm[Hg]\n}\n");

        var result = CliRunner.Run("check", file);

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        var path = $"{temp.Path.Replace('\\', '/')}/{shown}";
        var line = Assert.Single(result.OutLines, l => l.Contains(": error IL0105: ", StringComparison.Ordinal));
        Assert.Equal((quoted ? $"\"{path}\"" : path) + "(9,8): error IL0105: 'sbp' is not a declared observation or constant", line);
        Assert.DoesNotContain(result.Out, c => (char.IsControl(c) && c != '\n') || c == '\u202E');
        Assert.DoesNotContain(result.OutLines, l => l.StartsWith("real.il2", StringComparison.Ordinal) || l.StartsWith("fake.il2", StringComparison.Ordinal));
        AssertWellFormed(result);
    }

    private static void AssertWellFormed(CliResult result)
    {
        var lines = result.OutLines;
        Assert.NotEmpty(lines);
        var summary = SummaryLine().Match(lines[^1]);
        Assert.True(summary.Success, $"no summary line:\n{result}");
        var diagnostics = lines[..^1].Select(l => DiagnosticLine().Match(l)).ToList();
        Assert.All(diagnostics, m => Assert.True(m.Success, $"not a diagnostic line: {m.Value}\n{result}"));
        Assert.Equal(int.Parse(summary.Groups["errors"].Value), diagnostics.Count(m => m.Groups["severity"].Value == "error"));
        Assert.Equal(int.Parse(summary.Groups["warnings"].Value), diagnostics.Count(m => m.Groups["severity"].Value == "warning"));
        Assert.DoesNotContain("   at ", result.Out + result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("IL0999", result.Out, StringComparison.Ordinal);
    }

    private static bool CanRead(Action read)
    {
        try
        {
            read();
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private sealed class DenyingFileSystem : IFileSystem
    {
        public bool FileExists(string path) => path.EndsWith(".il2", StringComparison.Ordinal);

        public bool DirectoryExists(string path) => path.EndsWith("folder", StringComparison.Ordinal);

        public IEnumerable<string> EnumerateFiles(string directory, string pattern, SearchOption option) =>
            throw new UnauthorizedAccessException($"Access to the path '{directory}' is denied.");

        public byte[] ReadAllBytes(string path) => throw new UnauthorizedAccessException($"Access to the path '{path}' is denied.");
    }
}
