using System.Text.Json.Nodes;

namespace IlTwo.Service.Tests;

public sealed class FeedbackAndMetricsTests
{
    private const string Id = "post-til-il2";

    [Fact]
    public async Task Feedback_on_a_card_is_accepted_and_logged_with_the_decision_id()
    {
        await using var service = RunningService.Start();
        var (_, body) = await service.Post($"/cds-services/{Id}", PatientData.Request("patient-view", PatientData.Prefetch(PatientData.Example("post-til-patient.json"))));
        var uuid = (string)body!["cards"]![0]!["uuid"]!;
        var feedback = new JsonObject
        {
            ["feedback"] = new JsonArray(new JsonObject
            {
                ["card"] = uuid,
                ["outcome"] = "overridden",
                ["overrideReason"] = new JsonObject { ["userComment"] = "BP re-measured at 92" },
                ["outcomeTimestamp"] = "2026-03-04T06:05:00Z",
            }),
        };
        var (status, _) = await service.Post($"/cds-services/{Id}/feedback", feedback);
        Assert.Equal(200, status);
        var lines = service.DecisionLog();
        Assert.Equal(2, lines.Count);
        Assert.Equal(uuid, (string?)lines[1]["decisionId"]);
        Assert.Equal("overridden", (string?)lines[1]["feedback"]);
        Assert.Equal("BP re-measured at 92", (string?)lines[1]["overrideReason"]!["userComment"]);

        var (bad, error) = await service.Post($"/cds-services/{Id}/feedback", new JsonObject { ["feedback"] = new JsonArray(new JsonObject { ["outcome"] = "accepted" }) });
        Assert.Equal(400, bad);
        Assert.Contains("'card'", (string)error!["error"]!, StringComparison.Ordinal);
        Assert.Equal(404, (await service.Post("/cds-services/nope/feedback", feedback)).Status);
    }

    [Fact]
    public async Task Metrics_count_decisions_by_action_latency_reloads_and_refusals()
    {
        await using var service = RunningService.Start();
        await service.Post($"/cds-services/{Id}", PatientData.Request("patient-view", PatientData.Prefetch(PatientData.Example("post-til-patient.json"))));
        await service.Post($"/cds-services/{Id}", PatientData.Request("patient-view", PatientData.Prefetch(PatientData.Example("post-til-stable.json"))));
        await service.Post("/cds-services/nope", PatientData.Request("patient-view", null));

        var text = await service.Client.GetStringAsync("/metrics");
        Assert.Matches(@"il2_decisions_total\{[^}]*action=""hold""", text);
        Assert.Matches(@"il2_decisions_total\{[^}]*action=""give""", text);
        Assert.Contains("il2_decision_duration_seconds_bucket{", text, StringComparison.Ordinal);
        Assert.Matches(@"il2_reloads_total\{[^}]*outcome=""loaded""", text);
        Assert.Matches(@"il2_refusals_total\{[^}]*reason=""unknown-service""", text);
    }
}
