using IlTwo.Runtime.Approvals;

namespace IlTwo.Runtime.Tests.Approvals;

public sealed class ApprovalsFileTests
{
    private static ApprovalEntry Entry(string id, ApprovalRole role, int day, string? note = null) => new()
    {
        ProtocolId = id,
        Version = "1.0.0",
        CanonicalHash = new string('a', 64),
        Approver = role == ApprovalRole.Pharmacist ? "Zoë Pharm" : "Phil Phys",
        Role = role,
        At = new DateTimeOffset(2026, 1, day, 9, 30, 0, TimeSpan.Zero),
        Effective = new DateOnly(2026, 1, day),
        ReviewBy = new DateOnly(2027, 1, day),
        Note = note,
    };

    [Fact]
    public void Entries_are_written_sorted_indented_in_a_fixed_key_order_with_a_final_newline()
    {
        var file = new ApprovalsFile([Entry("zeta", ApprovalRole.Pharmacist, 1), Entry("alpha", ApprovalRole.Physician, 3, "ok <b>"), Entry("alpha", ApprovalRole.Pharmacist, 2)]);

        var json = file.ToJson();

        Assert.Equal(["alpha", "alpha", "zeta"], file.Entries.Select(e => e.ProtocolId));
        Assert.EndsWith("]\n", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", json, StringComparison.Ordinal);
        Assert.StartsWith("""
            [
              {
                "protocolId": "alpha",
                "version": "1.0.0",
                "canonicalHash": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                "approver": "Zoë Pharm",
                "role": "pharmacist",
                "at": "2026-01-02T09:30:00Z",
                "effective": "2026-01-02",
                "reviewBy": "2027-01-02"
              },
            """.ReplaceLineEndings("\n"), json, StringComparison.Ordinal);
        Assert.Contains("\"note\": \"ok <b>\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Writing_then_reading_gives_the_same_entries()
    {
        var file = new ApprovalsFile([Entry("a", ApprovalRole.Pharmacist, 1, "note"), Entry("a", ApprovalRole.Physician, 2)]);
        var path = Path.Combine(Directory.CreateTempSubdirectory("il2-approvals-").FullName, "approvals.json");

        file.Save(path);
        var read = ApprovalsFile.Load(path);

        Assert.Equal(file.Entries.ToArray(), read.Entries.ToArray());
        Assert.Equal(file.ToJson(), File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Theory]
    [InlineData("[{", "not valid JSON at line 1")]
    [InlineData("{}", "expected a JSON array of approvals, found an object")]
    [InlineData("[1]", "approval [0]: expected an object, found a number")]
    [InlineData("[{\"protocolId\": \"p\"}]", "approval [0]: 'role' is missing")]
    [InlineData("[{\"protocolId\": \"p\", \"surprise\": 1}]", "approval [0]: unknown field 'surprise'")]
    public void A_malformed_file_is_refused_with_where_and_why(string json, string expected)
    {
        var e = Assert.Throws<ApprovalsFileException>(() => ApprovalsFile.Parse(json, "x/approvals.json"));
        Assert.StartsWith("x/approvals.json: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("role", "\"nurse\"", "'role' is \"nurse\"; expected \"pharmacist\" or \"physician\"")]
    [InlineData("effective", "\"01/02/2026\"", "'effective' is \"01/02/2026\", not a date yyyy-MM-dd")]
    [InlineData("reviewBy", "\"2025-01-01\"", "'reviewBy' (2025-01-01) must be after 'effective' (2026-01-01)")]
    [InlineData("at", "\"yesterday\"", "'at' is \"yesterday\", not a UTC time")]
    [InlineData("canonicalHash", "\"abc\"", "'canonicalHash' must be 64 lowercase hex digits")]
    [InlineData("approver", "\"  \"", "'approver' is empty")]
    [InlineData("version", "7", "'version' must be a string, found a number")]
    public void A_bad_field_is_named(string key, string value, string expected)
    {
        var fields = new Dictionary<string, string>
        {
            ["protocolId"] = "\"p\"",
            ["version"] = "\"1.0.0\"",
            ["canonicalHash"] = $"\"{new string('a', 64)}\"",
            ["approver"] = "\"A\"",
            ["role"] = "\"pharmacist\"",
            ["at"] = "\"2026-01-01T00:00:00Z\"",
            ["effective"] = "\"2026-01-01\"",
            ["reviewBy"] = "\"2027-01-01\"",
        };
        fields[key] = value;
        var json = "[{" + string.Join(", ", fields.Select(f => $"\"{f.Key}\": {f.Value}")) + "}]";

        var e = Assert.Throws<ApprovalsFileException>(() => ApprovalsFile.Parse(json));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_says_nothing_was_approved()
    {
        var e = Assert.Throws<ApprovalsFileException>(() => ApprovalsFile.Load(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "approvals.json")));
        Assert.Contains("no approvals file", e.Message, StringComparison.Ordinal);
    }
}
