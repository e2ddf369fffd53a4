using System.Net;

namespace Sluice.Mesos.Http;

/// <summary>
/// A call to a Mesos master or agent failed. Carries what Mesos answered (status code and body
/// text) or, for transport failures, the inner exception.
/// </summary>
public sealed class MesosCallException : Exception
{
    public MesosCallException(string message, HttpStatusCode? statusCode, string? responseBody, bool isTransient, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        ResponseBody = responseBody;
        IsTransient = isTransient;
    }

    /// <summary>The HTTP status Mesos answered, or <see langword="null"/> when no answer arrived.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The text Mesos sent with an error status (Mesos explains 4xx answers in the body).</summary>
    public string? ResponseBody { get; }

    /// <summary>
    /// True when the same call may succeed later without change: connection failures, 503 (no
    /// leader yet / master recovering), not subscribed right now, redirect to a new leader.
    /// </summary>
    public bool IsTransient { get; }
}
