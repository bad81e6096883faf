using Microsoft.Extensions.DependencyInjection;

namespace IlTwo.Service.Tests;

public sealed class ApprovalExpiryTests
{
    [Fact]
    public async Task A_protocol_past_its_review_by_date_is_withdrawn_at_the_recheck()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await using var service = RunningService.Start(configure: o => o with { ApprovalsToday = () => today });
        var request = PatientData.Request("patient-view", PatientData.Prefetch(PatientData.Example("post-til-patient.json")));
        Assert.Equal(200, (await service.Post("/cds-services/post-til-il2", request)).Status);

        var catalog = service.App.Services.GetRequiredService<ProtocolCatalog>();
        catalog.Recheck();
        Assert.Equal(200, (await service.Post("/cds-services/post-til-il2", request)).Status);

        today = today.AddMonths(7); // the fixture's approvals are reviewed by six months from now
        catalog.Recheck();
        var (status, _) = await service.Post("/cds-services/post-til-il2", request);
        Assert.Equal(404, status);
        Assert.Contains("withdrew 'post-til-il2' 1.0.0: its approvals are no longer in force", service.Log.ToString(), StringComparison.Ordinal);
    }
}
