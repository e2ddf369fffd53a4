using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Sluice.Scheduler.State;

namespace Sluice.Scheduler.Api;

/// <summary>
/// Last line of defence behind <c>UseExceptionHandler()</c>: whatever escapes an endpoint becomes a problem+json
/// answer without a stack trace: a state-store conflict 409, a fenced or unavailable store 503, a bad request
/// detected by the server (e.g. Kestrel's body limit) its own 4xx, anything else 500.
/// </summary>
internal sealed partial class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away: nobody to answer.
            return true;
        }
        var (status, title, detail) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, "Bad request", bad.Message),
            StateConflictException => (StatusCodes.Status409Conflict, "Conflict", "The record was changed concurrently; read it again and retry."),
            StateStoreException => (StatusCodes.Status503ServiceUnavailable, "State store unavailable", "This scheduler cannot write its state now (not the leader, or the store is unavailable); retry later."),
            _ => (StatusCodes.Status500InternalServerError, "Internal error", "An unexpected error occurred; see the scheduler's log."),
        };
        if (status >= 500)
        {
            LogFailure(logger, httpContext.Request.Method, httpContext.Request.Path, exception);
        }
        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "REST {Method} {Path} failed")]
    private static partial void LogFailure(ILogger logger, string method, PathString path, Exception exception);
}
