using System.Collections.Immutable;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace IlTwo.Runtime.Approvals;

/// <summary>
/// A signatures file, modelled on OPA's signed bundles (<c>.signatures.json</c>): <c>{"signatures": [JWS, ...]}</c>, one
/// compact ES256 JWS per approval, each payload naming the file hashes it approves. <c>approvals.json</c> beside the
/// protocol sources holds every approval (history included); <c>il2 build</c> writes the ones for the assembly it
/// built beside it as <c>il2.&lt;id&gt;.approvals.json</c>.
/// </summary>
public sealed class ApprovalSignatures
{
    public const string DefaultFileName = "approvals.json";

    public ApprovalSignatures(IEnumerable<string> signatures) => Signatures = [.. signatures];

    public static ApprovalSignatures Empty { get; } = new([]);

    public ImmutableArray<string> Signatures { get; }

    /// <summary>Adds a signature (an identical one is kept once).</summary>
    public ApprovalSignatures Add(string jws) => Signatures.Contains(jws, StringComparer.Ordinal) ? this : new(Signatures.Add(jws));

    /// <summary>
    /// What each signature claims, read <em>without</em> verifying it (for listings; never for a decision): null for
    /// one that cannot be read.
    /// </summary>
    public IReadOnlyList<ApprovalEntry?> UnverifiedClaims() => [.. Signatures.Select(jws =>
    {
        var parts = jws.Split('.');
        if (parts.Length != 3) { return null; } try
        {
            return ApprovalEntry.ParsePayload(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(parts[1]));
        }
        catch (Exception e) when (e is TrustException or FormatException or ArgumentException)
        {
            return null;
        }
    })];

    /// <summary>The signatures file that goes with an assembly: <c>il2.x.dll</c> → <c>il2.x.approvals.json</c>.</summary>
    public static string PathForAssembly(string assemblyPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(assemblyPath)) ?? ".", Path.GetFileNameWithoutExtension(assemblyPath) + ".approvals.json");

    /// <exception cref="TrustException">missing (<see cref="TrustCodes.NoSignatures"/>) or malformed (<see cref="TrustCodes.Malformed"/>).</exception>
    public static ApprovalSignatures Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new TrustException(TrustCodes.NoSignatures, $"no signatures file {path} (nothing has been approved)", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TrustException(TrustCodes.NoSignatures, $"cannot read the signatures file {path}: {e.Message}", e);
        }
        return Parse(bytes, path);
    }

    public static ApprovalSignatures Parse(ReadOnlyMemory<byte> utf8, string path)
    {
        using var document = StrictJson.Parse(utf8, path);
        var root = StrictJson.Object(document.RootElement, path, "signatures");
        if (!root.TryGetProperty("signatures", out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw new TrustException(TrustCodes.Malformed, $"{path}: expected {{\"signatures\": [ ... ]}}");
        }

        var signatures = new List<string>();
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || item.GetString() is not { Length: > 0 } jws)
            {
                throw new TrustException(TrustCodes.Malformed, $"{path}: signatures[{signatures.Count}] must be a compact JWS string");
            }

            signatures.Add(jws);
        }
        return new ApprovalSignatures(signatures);
    }

    /// <summary>Two-space indentation, one signature a line, '\n' line ends, a final newline.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, IndentSize = 2, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteStartArray("signatures");
            foreach (var jws in Signatures)
            {
                w.WriteStringValue(jws);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>Writes to a temporary file beside <paramref name="path"/>, then moves it into place.</summary>
    public void Save(string path)
    {
        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(temp, ToJson(), new UTF8Encoding(false));
        try
        {
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
