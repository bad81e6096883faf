using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

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
    // Observed rather than pushed: the first loads happen before the meter provider listens.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Outcome, string Code), long> _reloads = new();
    private readonly Counter<long> _refusals;
    private readonly Counter<long> _feedback;

    public ServiceMetrics()
    {
        _decisions = _meter.CreateCounter<long>("il2.decisions", description: "Decisions answered, by action and protocol");
        _latency = _meter.CreateHistogram<double>("il2.decision.duration", unit: "s", description: "Time from request to card",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5] });
        _meter.CreateObservableCounter("il2.reloads", () => _reloads.Select(r =>
            new Measurement<long>(r.Value, new KeyValuePair<string, object?>("outcome", r.Key.Outcome), new KeyValuePair<string, object?>("code", r.Key.Code))),
            description: "Protocol file loads, by outcome (loaded, refused) and refusal code");
        _refusals = _meter.CreateCounter<long>("il2.refusals", description: "Requests refused, by reason");
        _feedback = _meter.CreateCounter<long>("il2.feedback", description: "Card feedback received, by outcome");
    }

    public void Decided(string action, string protocol, long started)
    {
        _decisions.Add(1, new("action", action), new("protocol", protocol));
        _latency.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("action", action));
    }

    public void Reload(ReloadOutcome outcome) =>
        _reloads.AddOrUpdate((outcome.Loaded is null ? "refused" : "loaded", outcome.RefusalCode ?? "ok"), 1, (_, n) => n + 1);

    public void Refused(string reason) => _refusals.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Feedback(string outcome) => _feedback.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>Traces: one activity per decision (protocol, version, action, hook, hookInstance).</summary>
    public static readonly ActivitySource Activities = new(MeterName);

    /// <summary>Prometheus scraping always; OTLP export of metrics and traces when <paramref name="otlp"/> is given.</summary>
    internal static void AddTo(IServiceCollection services, Uri? otlp)
    {
        var telemetry = services.AddOpenTelemetry().WithMetrics(m =>
        {
            m.AddMeter(MeterName).AddPrometheusExporter();
            if (otlp is not null)
            {
                m.AddOtlpExporter(o => o.Endpoint = otlp);
            }
        });
        if (otlp is not null)
        {
            telemetry.WithTracing(t => t.AddSource(MeterName).AddOtlpExporter(o => o.Endpoint = otlp));
        }
    }

    internal static void MapEndpoint(WebApplication app) => app.MapPrometheusScrapingEndpoint("/metrics");

    public void Dispose() => _meter.Dispose();
}
