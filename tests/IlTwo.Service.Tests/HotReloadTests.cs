using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace IlTwo.Service.Tests;

/// <summary>A new signed version replaces the old one while requests run; a tampered file leaves the old one serving.</summary>
public sealed partial class HotReloadTests
{
    private static readonly string[] Versions = ["1.0.0", "1.1.0"];

    private const string Id = "post-til-il2";

    private sealed record Answer(int Status, string? LabelVersion, string? DetailVersion, int Task, int Sequence);

    [Fact]
    public async Task A_new_signed_version_replaces_the_old_under_load_with_no_failed_or_mixed_response_and_a_tampered_file_is_refused()
    {
        await using var service = RunningService.Start(configure: o => o with { ReloadDelay = TimeSpan.FromMilliseconds(100) });
        var request = PatientData.Request("patient-view", PatientData.Prefetch(PatientData.Example("post-til-patient.json")));
        var answers = new ConcurrentBag<Answer>();
        using var stop = new CancellationTokenSource();

        async Task Loop(int task)
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                int status;
                string? label = null, detail = null;
                try
                {
                    var (s, body) = await service.Post($"/cds-services/{Id}", request);
                    status = s;
                    if (body?["cards"]?[0] is { } card)
                    {
                        label = LabelVersion().Match((string)card["source"]!["label"]!).Groups[1].Value;
                        detail = DetailVersion().Match((string)card["detail"]!).Groups[1].Value;
                    }
                }
                catch (HttpRequestException)
                {
                    status = -1;
                }
                answers.Add(new Answer(status, label, detail, task, i));
            }
        }

        var loops = Enumerable.Range(0, 4).Select(t => Task.Run(() => Loop(t))).ToList();
        await Task.Delay(300);
        Signed.Install(Signed.Version2, service.Protocols);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!answers.Any(a => a.LabelVersion == "1.1.0") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        await Task.Delay(300);
        await stop.CancelAsync();
        await Task.WhenAll(loops);

        Assert.All(answers, a => Assert.Equal(200, a.Status));
        Assert.All(answers, a => Assert.Equal(a.LabelVersion, a.DetailVersion));
        Assert.Contains(answers, a => a.LabelVersion == "1.0.0");
        Assert.Contains(answers, a => a.LabelVersion == "1.1.0");
        Assert.All(answers, a => Assert.Contains(a.LabelVersion, Versions));
        // Per client, once the new version answered, the old one never does again.
        foreach (var client in answers.GroupBy(a => a.Task))
        {
            var ordered = client.OrderBy(a => a.Sequence).ToList();
            var first = ordered.FindIndex(a => a.LabelVersion == "1.1.0");
            if (first >= 0)
            {
                Assert.All(ordered.Skip(first), a => Assert.Equal("1.1.0", a.LabelVersion));
            }
        }
        Assert.Contains("replaced 'post-til-il2' 1.0.0 with 1.1.0", service.Log.ToString(), StringComparison.Ordinal);
        Assert.Equal(answers.Count, service.DecisionLog().Count);

        // Tampered: bytes changed after signing. Refused with the reason; 1.1.0 keeps serving.
        var dll = Path.Combine(service.Protocols, Signed.Version2.FileName);
        var bytes = (byte[])Signed.Version2.Assembly.Clone();
        bytes[^1] ^= 0x5a;
        File.WriteAllBytes(dll, bytes);
        deadline = DateTime.UtcNow.AddSeconds(20);
        while (!service.Log.ToString().Contains("refused " + dll, StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Contains("refused " + dll, service.Log.ToString(), StringComparison.Ordinal);
        var (status, after) = await service.Post($"/cds-services/{Id}", request);
        Assert.Equal(200, status);
        Assert.Contains("post-til-il2 1.1.0", (string)after!["cards"]![0]!["source"]!["label"]!, StringComparison.Ordinal);

        // Broken (not an assembly at all): also refused, 1.1.0 still serving.
        File.WriteAllText(dll, "not an assembly");
        deadline = DateTime.UtcNow.AddSeconds(20);
        while (!service.Log.ToString().Contains("not a .NET assembly", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Contains("not a .NET assembly", service.Log.ToString(), StringComparison.Ordinal);
        (status, after) = await service.Post($"/cds-services/{Id}", request);
        Assert.Equal(200, status);
        Assert.Contains("post-til-il2 1.1.0", (string)after!["cards"]![0]!["source"]!["label"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_protocol_whose_file_is_deleted_stops_being_listed_and_served_and_the_unload_is_logged()
    {
        await using var service = RunningService.Start(configure: o => o with { ReloadDelay = TimeSpan.FromMilliseconds(100) });
        var request = PatientData.Request("patient-view", PatientData.Prefetch(PatientData.Example("post-til-patient.json")));
        var (before, _) = await service.Post($"/cds-services/{Id}", request);
        Assert.Equal(200, before);
        Assert.Contains((await service.Discovery())["services"]!.AsArray(), s => (string)s!["id"]! == Id);

        var dll = Path.Combine(service.Protocols, Signed.Version1.FileName);
        File.Delete(dll);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!service.Log.ToString().Contains($"unloaded '{Id}'", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Contains($"unloaded '{Id}': its file {dll} was removed", service.Log.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain((await service.Discovery())["services"]!.AsArray(), s => (string)s!["id"]! == Id);
        var (after, _) = await service.Post($"/cds-services/{Id}", request);
        Assert.Equal(404, after);

        // Put back: served again.
        Signed.Install(Signed.Version1, service.Protocols);
        deadline = DateTime.UtcNow.AddSeconds(20);
        int again;
        do
        {
            await Task.Delay(50);
            (again, _) = await service.Post($"/cds-services/{Id}", request);
        }
        while (again != 200 && DateTime.UtcNow < deadline);
        Assert.Equal(200, again);
    }

    [GeneratedRegex(@"^post-til-il2 (\S+) \(")]
    private static partial Regex LabelVersion();

    [GeneratedRegex(@"Protocol `post-til-il2` (\S+), source")]
    private static partial Regex DetailVersion();
}
