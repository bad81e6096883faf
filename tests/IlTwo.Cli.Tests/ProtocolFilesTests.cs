namespace IlTwo.Cli.Tests;

public sealed class ProtocolFilesTests
{
    private static readonly string[] ExpectedFiles = ["a.il2", "b.il2", "sub/c.il2", "sub/deeper/d.il2"];

    [Fact]
    public void Folder_ExpandsRecursivelyToSortedIl2Files_WithDisplayPathsJoinedWithSlash()
    {
        using var temp = new TempFolder();
        temp.Write("b.il2", "");
        temp.Write("a.il2", "");
        temp.Write("notes.txt", "");
        temp.Write("sub/c.il2", "");
        temp.Write("sub/deeper/d.il2", "");

        var set = ProtocolFiles.Expand([temp.Path + "/"]);

        Assert.Empty(set.Errors);
        Assert.Equal(
            ExpectedFiles.Select(f => temp.Path.Replace('\\', '/') + "/" + f),
            set.Files.Select(f => f.DisplayPath));
    }

    [Fact]
    public void File_IsTakenAsGiven_AndRepeatsAreDropped()
    {
        using var temp = new TempFolder();
        var file = temp.Write("x.il2", "");

        var set = ProtocolFiles.Expand([file, temp.Path, file]);

        Assert.Empty(set.Errors);
        var only = Assert.Single(set.Files);
        Assert.Equal(file.Replace('\\', '/'), only.DisplayPath);
    }

    [Fact]
    public void MissingPath_AndEmptyFolder_AreErrors()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(Path.Combine(temp.Path, "empty"));

        var set = ProtocolFiles.Expand([Path.Combine(temp.Path, "nope.il2"), Path.Combine(temp.Path, "empty")]);

        Assert.Empty(set.Files);
        Assert.Collection(
            set.Errors,
            e => Assert.EndsWith("nope.il2: no such file or folder", e),
            e => Assert.EndsWith("empty: no .il2 files in this folder", e));
    }

    [Fact]
    public void RelativeFolder_KeepsThePathAsWritten()
    {
        var set = ProtocolFiles.Expand([Path.GetRelativePath(Environment.CurrentDirectory, CliRunner.ProtocolsFolder)]);

        Assert.Empty(set.Errors);
        Assert.All(set.Files, f => Assert.DoesNotContain('\\', f.DisplayPath));
        Assert.Equal(["hd-il2-monotherapy.il2", "post-til-il2.il2"], set.Files.Select(f => Path.GetFileName(f.DisplayPath)));
        Assert.All(set.Files, f => Assert.EndsWith("protocols/" + Path.GetFileName(f.FullPath), f.DisplayPath));
    }
}
