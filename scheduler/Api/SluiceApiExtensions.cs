using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Sluice.Scheduler.Api;

/// <summary>Wiring of the REST API into the scheduler's host.</summary>
internal static class SluiceApiExtensions
{
    /// <summary>
    /// Registers the API's services: options, <see cref="SchedulerEvents"/>, <see cref="OperationTracker"/>, problem
    /// details, the exception handler and the OpenAPI document. The host also registers
    /// <see cref="State.IStateStore"/> and <see cref="IConsumerChangeSink"/>, and <see cref="IApiLeadership"/> unless
    /// the default <see cref="SoleApiLeader"/> fits.
    /// </summary>
    public static IServiceCollection AddSluiceApi(this IServiceCollection services, Action<SluiceApiOptions>? configure = null)
    {
        var options = services.AddOptions<SluiceApiOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IApiLeadership, SoleApiLeader>();
        services.TryAddSingleton<SchedulerEvents>();
        services.TryAddSingleton<OperationTracker>();
        services.TryAddSingleton<ApiToken>();
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            // Answers produced by routing or status-code pages (no endpoint, wrong method, content type) get a detail too.
            context.ProblemDetails.Detail ??= context.ProblemDetails.Status switch
            {
                StatusCodes.Status404NotFound => $"No resource at '{ApiJson.Truncate(context.HttpContext.Request.Path.ToString(), 120)}'.",
                StatusCodes.Status405MethodNotAllowed => $"{ApiJson.Truncate(context.HttpContext.Request.Method, 20)} is not allowed on this resource.",
                StatusCodes.Status415UnsupportedMediaType => "The body must be JSON (Content-Type: application/json).",
                _ => null,
            };
        });
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Sluice scheduler API";
            document.Info.Description = "Consumers, scaling, operations, status and events of a Sluice framework.";
            return Task.CompletedTask;
        }));
        return services;
    }

    /// <summary>
    /// Adds the API's middleware, early in the pipeline: exceptions to problem+json (never a stack trace), problem
    /// bodies for bare 4xx (unknown route, wrong method), the standby's 307 to the leader and the token check (401) for <c>/api</c>.
    /// </summary>
    public static IApplicationBuilder UseSluiceApi(this IApplicationBuilder app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<ApiGateMiddleware>();
        return app;
    }
}
