using System.CommandLine;
using IlTwo.Service;

namespace IlTwo.Cli.Commands;

/// <summary><c>il2 serve --protocols DIR --trust STORE</c>: the engine as a CDS Hooks 2.0 service (docs/cds-hooks.md).</summary>
public sealed class ServeCommand : ICommand
{
    /// <summary>The certificate password comes from the environment, never the command line (where <c>ps</c> shows it).</summary>
    public const string CertificatePasswordVariable = "IL2_CERTIFICATE_PASSWORD";

    private readonly Option<string[]> _protocols = CliOptions.Valued("--protocols", "DIR",
        "the folder of built protocols (il2.<id>.dll with il2.<id>.approvals.json beside each); watched for new signed versions");

    private readonly Option<string[]> _trust = CliOptions.Valued("--trust", "STORE",
        "the trust store (see 'il2 keys'): only protocols a pharmacist and a physician it lists signed are loaded");

    private readonly Option<string[]> _urls = CliOptions.Valued("--urls", "URL",
        "where to listen, e.g. http://127.0.0.1:5080 (the default); repeat or separate with ';' for several");

    private readonly Option<string[]> _clients = CliOptions.Valued("--clients", "FILE",
        "the trusted CDS clients (EHRs) whose JWTs are accepted: {\"clients\":[{\"iss\":...,\"jwks_uri\":...}]}");

    private readonly Option<bool> _allowUnauthenticated = CliOptions.Flag("--allow-unauthenticated-clients",
        "development only: accept hook calls without a client JWT");

    private readonly Option<string[]> _audience = CliOptions.Valued("--audience", "URL",
        "the audience client JWTs must name (the public discovery URL, https://host/cds-services); default: the request's own");

    private readonly Option<string[]> _log = CliOptions.Valued("--log", "FILE", "the JSON Lines audit log every decision is appended to (default decisions.jsonl)");

    private readonly Option<string[]> _certificate = CliOptions.Valued("--certificate", "FILE",
        $"TLS: the server certificate (PKCS#12) for https URLs; its password from ${CertificatePasswordVariable}");

    private readonly Option<string[]> _cors = CliOptions.Valued("--cors", "ORIGIN", "an origin allowed by CORS (browser-based CDS clients); repeat for several");

    private readonly Option<string[]> _maxBody = CliOptions.Valued("--max-body", "BYTES", "the largest request body accepted (default 4194304); a larger one gets 413");

    private readonly Option<string[]> _otlp = CliOptions.Valued("--otlp", "URL", "an OTLP collector for metrics and traces (Prometheus scraping at /metrics is always on)");

    private readonly Option<bool> _noWatch = CliOptions.Flag("--no-watch", "load the protocols once; do not watch the folder");

    public string Name => "serve";

    public string Summary => "Serve the loaded protocols as a CDS Hooks 2.0 service (patient-view, order-select, order-sign)";

    public string Details => """
        Discovery at GET /cds-services (one service per loaded protocol, with prefetch templates), decisions at
        POST /cds-services/{id} as one card each, feedback at POST /cds-services/{id}/feedback; /healthz, /readyz and
        /metrics. Only protocols whose approvals verify against the trust store load; a new signed version in the
        folder replaces the old one while requests in flight finish on it; an unsigned, tampered or broken file is
        refused and the old version keeps serving. Every decision is appended to the audit log. See docs/cds-hooks.md.

        Exit codes: 0 stopped (Ctrl+C or SIGTERM), 1 the trust store, folder, clients file or certificate cannot be
        used, 2 usage error or the server cannot listen.
        """;

    public void Define(Command command)
    {
        foreach (var option in new Option[] { _protocols, _trust, _urls, _clients, _allowUnauthenticated, _audience, _log, _certificate, _cors, _maxBody, _otlp, _noWatch })
        {
            command.Add(option);
        }
    }

    public int Run(CommandContext context, ParseResult parse)
    {
        if (parse.Value(_protocols) is not { } protocols || parse.Value(_trust) is not { } trust)
        {
            return context.UsageError("serve: give --protocols DIR and --trust STORE; run 'il2 serve --help'");
        }

        if (parse.GetValue(_clients) is { Length: > 1 })
        {
            return context.UsageError("serve: give --clients once (one file lists every client)");
        }

        long maxBody = new ServiceOptions { ProtocolsDirectory = protocols }.MaxRequestBodyBytes;
        if (parse.Value(_maxBody) is { } maxText && (!long.TryParse(maxText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out maxBody) || maxBody <= 0))
        {
            return context.UsageError($"serve: --max-body '{maxText}' is not a positive whole number of bytes");
        }

        Uri? otlp = null;
        if (parse.Value(_otlp) is { } otlpText && (!Uri.TryCreate(otlpText, UriKind.Absolute, out otlp) || otlp.Scheme is not ("http" or "https")))
        {
            return context.UsageError($"serve: --otlp '{otlpText}' is not an absolute http or https URL");
        }

        var urls = (parse.GetValue(_urls) ?? [])
            .SelectMany(u => u.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToList();
        foreach (var url in urls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                return context.UsageError($"serve: --urls '{url}' is not an absolute http or https URL");
            }
        }

        var options = new ServiceOptions
        {
            ProtocolsDirectory = protocols,
            TrustStorePath = trust,
            ClientsPath = parse.Value(_clients),
            AllowUnauthenticatedClients = parse.GetValue(_allowUnauthenticated),
            Audience = parse.Value(_audience),
            CertificatePath = parse.Value(_certificate),
            CertificatePassword = Environment.GetEnvironmentVariable(CertificatePasswordVariable),
            CorsOrigins = parse.GetValue(_cors) ?? [],
            MaxRequestBodyBytes = maxBody,
            OtlpEndpoint = otlp,
            Watch = !parse.GetValue(_noWatch),
        };
        if (urls.Count > 0)
        {
            options = options with { Urls = urls };
        }

        if (parse.Value(_log) is { } log)
        {
            options = options with { DecisionLogPath = log };
        }

        var exit = ServiceHost.Run(options, context.Error, CancellationToken.None);
        return exit switch
        {
            0 => ExitCodes.Success,
            1 => ExitCodes.Failure,
            _ => ExitCodes.Usage,
        };
    }
}
