using System.Net;

namespace Sluice.Cli.Api;

/// <summary>A successful answer: its status, the body as the server sent it (for <c>--output json</c>) and the body read as <typeparamref name="T"/>.</summary>
internal sealed record ApiResponse<T>(HttpStatusCode Status, string Body, T Value, string? Location);
