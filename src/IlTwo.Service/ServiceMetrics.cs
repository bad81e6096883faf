using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace IlTwo.Service;

/// <summary>
/// OpenTelemetry metrics (meter <c>IlTwo.Service</c>), scraped in Prometheus format at <c>/metrics</c>:
/// <c>il2_decisions_total{action,protocol}</c>, <c>il2_decision_duration_seconds</c>, <c>il2_reloads_total{outcome}</c>,
/// <c>il2_refusals_total{reason}</c>, <c>il2_feedback_total{outcome}</c>.
/// </summary>
public sealed class ServiceMetrics : IDisposable
{
    public const string MeterName = "IlTwo.Service";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _decisions;
    private readonly Histogram<double> _latency;
    private readonly Counter<long> _reloads;
    private readonly Counter<long> _refusals;
    private readonly Counter<long> _feedback;

    public ServiceMetrics()
    {
        _decisions = _meter.CreateCounter<long>("il2.decisions", description: "Decisions answered, by action and protocol");
        _latency = _meter.CreateHistogram<double>("il2.decision.duration", unit: "s", description: "Time from request to card",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5] });
        _reloads = _meter.CreateCounter<long>("il2.reloads", description: "Protocol file loads, by outcome (loaded, refused)");
        _refusals = _meter.CreateCounter<long>("il2.refusals", description: "Requests refused, by reason");
        _feedback = _meter.CreateCounter<long>("il2.feedback", description: "Card feedback received, by outcome");
    }

    public void Decided(string action, string protocol, long started)
    {
        _decisions.Add(1, new("action", action), new("protocol", protocol));
        _latency.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("action", action));
    }

    public void Reload(ReloadOutcome outcome) =>
        _reloads.Add(1, new KeyValuePair<string, object?>("outcome", outcome.Loaded is null ? "refused" : "loaded"),
            new KeyValuePair<string, object?>("code", outcome.RefusalCode ?? "ok"));

    public void Refused(string reason) => _refusals.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Feedback(string outcome) => _feedback.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    internal static void AddTo(IServiceCollection services) =>
        services.AddOpenTelemetry().WithMetrics(m => m.AddMeter(MeterName).AddPrometheusExporter());

    internal void MapEndpoint(WebApplication app) => app.MapPrometheusScrapingEndpoint("/metrics");

    public void Dispose() => _meter.Dispose();
}
