using System.Diagnostics;
using System.Text.Json.Nodes;
using IlTwo.Runtime.Approvals;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IlTwo.Service;

/// <summary>
/// <c>il2 serve</c>: the protocols of a folder as HL7 CDS Hooks 2.0 services on Kestrel (docs/cds-hooks.md).
/// <see cref="Run"/> is the whole command; <see cref="BuildApp"/> gives the configured, not yet started application.
/// </summary>
public static class ServiceHost
{
    /// <summary>
    /// Loads the trust store and the protocols, serves until <paramref name="cancellation"/> fires. Returns the exit
    /// code: 0 after a clean stop, 1 when the trust store or the folder cannot be read, 2 when the server cannot start.
    /// </summary>
    public static int Run(ServiceOptions options, TextWriter log, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        WebApplication app;
        try
        {
            app = BuildApp(options, log);
        }
        catch (Exception e) when (e is TrustException or DirectoryNotFoundException or InvalidDataException or System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            log.WriteLine($"il2 serve: {e.Message}");
            return 1;
        }
        if (System.Runtime.GCSettings.IsServerGC)
        {
            // il2 ships server GC for its language server; the service's tail latency measured lower with workstation GC.
            log.WriteLine("il2 serve: running with server GC; set DOTNET_gcServer=0 for a lower tail latency (docs/cds-hooks.md, Performance)");
        }

        try
        {
            app.RunAsync(cancellation).GetAwaiter().GetResult();
            return 0;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            log.WriteLine($"il2 serve: cannot start: {e.Message}");
            return 2;
        }
        finally
        {
            app.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>The configured application (protocols loaded, routes mapped); start it with <c>StartAsync</c> or <c>RunAsync</c>.</summary>
    /// <exception cref="TrustException">the trust store cannot be read.</exception>
    /// <exception cref="DirectoryNotFoundException">the protocols folder does not exist.</exception>
    public static WebApplication BuildApp(ServiceOptions options, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        var trust = options.Trust ?? (options.TrustStorePath is { } path
            ? TrustStore.Load(path)
            : throw new ArgumentException("a trust store is required: only protocols whose approvals verify against it are served"));
        if (options.ClientsPath is { } clientsPath)
        {
            options = options with { Clients = [.. options.Clients, .. ClientIssuer.Load(clientsPath)] };
        }

        if (options.Clients.Count == 0 && !options.AllowUnauthenticatedClients)
        {
            log.WriteLine("il2 serve: no CDS client issuers are configured: every hook request will get 401");
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.UseUrls([.. options.Urls]);
        var certificate = options.CertificatePath is { } certificatePath
            ? System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(certificatePath, options.CertificatePassword)
            : null;
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            if (certificate is not null)
            {
                k.ConfigureHttpsDefaults(h => h.ServerCertificate = certificate);
            }
            // The service enforces MaxRequestBodyBytes itself (a 413 the client can read); Kestrel's cap stops a body far beyond it.
            k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes + 1024 * 1024;
        });
        if (options.CorsOrigins.Count > 0)
        {
            builder.Services.AddCors(c => c.AddDefaultPolicy(p => p.WithOrigins([.. options.CorsOrigins]).AllowAnyHeader().WithMethods("GET", "POST")));
        }

        var catalog = new ProtocolCatalog(options.ProtocolsDirectory, trust, log, options.ApprovalsToday);
        var metrics = new ServiceMetrics();
        catalog.Reloaded += metrics.Reload;
        catalog.Scan();
        var audit = new AuditLog(options.DecisionLogPath);
        var clients = new ClientTokens(options);
        builder.Services.AddSingleton(clients);
        var service = new CdsService(catalog, audit, metrics, options);
        builder.Services.AddSingleton(catalog);
        builder.Services.AddSingleton(audit);
        builder.Services.AddSingleton(metrics);
        ServiceMetrics.AddTo(builder.Services, options.OtlpEndpoint);

        var app = builder.Build();
        app.Lifetime.ApplicationStopped.Register(() =>
        {
            catalog.Dispose();
            service.Dispose();
            audit.Dispose();
            metrics.Dispose();
        });
        if (options.Watch)
        {
            catalog.StartWatching(options.ReloadDelay);
        }

        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // Never a stack trace: the error is logged, the client gets a plain JSON message.
            ExceptionHandler = async context =>
            {
                var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
                if (error is BadHttpRequestException bad)
                {
                    context.Response.StatusCode = bad.StatusCode;
                    context.Response.ContentType = "application/json";
                    await context.Response.WriteAsync(new JsonObject { ["error"] = bad.Message }.ToJsonString(Json));
                    return;
                }
                log.WriteLine($"il2 serve: internal error on {context.Request.Path}: {error?.GetType().Name}: {error?.Message}");
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("""{"error":"internal error; see the service log"}""");
            },
        });
        if (options.CorsOrigins.Count > 0)
        {
            app.UseCors();
        }

        ServiceMetrics.MapEndpoint(app);

        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", () => catalog.Registry.Protocols.Count > 0
            ? Results.Text($"ready: {catalog.Registry.Protocols.Count} protocol(s)\n")
            : Results.Text("not ready: no protocol loaded\n", statusCode: StatusCodes.Status503ServiceUnavailable));
        app.MapGet("/cds-services", (HttpContext context) => Results.Text(service.Discovery(BaseUrl(context)).ToJsonString(Json), "application/json"));
        app.MapGet("/cds-services/{id}/review", (string id) => service.Review(id));
        app.MapPost("/cds-services/{id}", async (string id, HttpContext context) =>
        {
            if (await clients.Check(context, id) is { } refusal)
            {
                return refusal;
            }

            return await service.Decide(id, context, BaseUrl(context));
        });
        app.MapPost("/cds-services/{id}/feedback", async (string id, HttpContext context) =>
        {
            if (await clients.Check(context, id) is { } refusal)
            {
                return refusal;
            }

            return await service.Feedback(id, context);
        });
        return app;
    }

    internal static string BaseUrl(HttpContext context) => $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}";

    /// <summary>Readable JSON (quotes and non-ASCII as they are); every response is application/json, never HTML.</summary>
    internal static readonly System.Text.Json.JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <param name="path">The JSONPath of the request member the error is about, when there is one (<c>$.hookInstance</c>).</param>
    internal static IResult Error(int status, string message, JsonArray? errors = null, string? path = null)
    {
        var body = new JsonObject { ["error"] = message };
        if (path is not null)
        {
            body["path"] = path;
        }

        if (errors is not null)
        {
            body["errors"] = errors;
        }

        return Results.Text(body.ToJsonString(Json), "application/json", statusCode: status);
    }

    internal static long Timestamp() => Stopwatch.GetTimestamp();
}
