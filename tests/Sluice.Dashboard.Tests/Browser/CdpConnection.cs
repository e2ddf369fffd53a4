using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Sluice.Dashboard.Tests.Browser;

/// <summary>
/// One WebSocket to Chromium's DevTools endpoint, speaking the Chrome DevTools Protocol: commands are
/// <c>{id, method, params, sessionId}</c> answered by the same id; everything else is an event, handed to
/// <see cref="EventReceived"/> on the reader task (handlers must not block).
/// </summary>
internal sealed class CdpConnection : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);

    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonObject>> _pending = new();
    private readonly CancellationTokenSource _closing = new();
    private Task _reader = Task.CompletedTask;
    private long _nextId;

    /// <summary>An event: method, params and the session it belongs to (null for the browser's own).</summary>
    public event Action<string, JsonObject, string?>? EventReceived;

    public static async Task<CdpConnection> ConnectAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        var connection = new CdpConnection();
        connection._socket.Options.KeepAliveInterval = TimeSpan.Zero;
        await connection._socket.ConnectAsync(endpoint, cancellationToken);
        connection._reader = Task.Run(connection.ReadAsync, CancellationToken.None);
        return connection;
    }

    /// <summary>Sends a command and returns its <c>result</c>; a protocol error becomes an <see cref="InvalidOperationException"/>.</summary>
    public async Task<JsonObject> SendAsync(string method, JsonObject? parameters = null, string? sessionId = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var answer = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        if (sessionId is not null)
        {
            message["sessionId"] = sessionId;
        }
        var bytes = Encoding.UTF8.GetBytes(message.ToJsonString());
        await _sending.WaitAsync(_closing.Token);
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, _closing.Token);
        }
        finally
        {
            _sending.Release();
        }
        JsonObject reply;
        try
        {
            reply = await answer.Task.WaitAsync(CommandTimeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Chromium did not answer {method} within {CommandTimeout.TotalSeconds:0} s.");
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
        if (reply["error"] is JsonObject error)
        {
            throw new InvalidOperationException($"{method} failed: {error["message"]} ({error["code"]}) {error["data"]}");
        }
        return reply["result"] as JsonObject ?? new JsonObject();
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                var received = await _socket.ReceiveAsync(buffer, _closing.Token);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
                message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage)
                {
                    continue;
                }
                var json = JsonNode.Parse(message.GetBuffer().AsSpan(0, (int)message.Length)) as JsonObject;
                message.SetLength(0);
                if (json is null)
                {
                    continue;
                }
                if (json["id"] is JsonValue idValue && _pending.TryGetValue(idValue.GetValue<long>(), out var answer))
                {
                    answer.TrySetResult(json);
                }
                else if (json["method"]?.GetValue<string>() is { } method)
                {
                    EventReceived?.Invoke(method, json["params"] as JsonObject ?? new JsonObject(), json["sessionId"]?.GetValue<string>());
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // Closing, or Chromium went away: the pending commands fail below.
        }
        foreach (var pending in _pending.Values)
        {
            pending.TrySetException(new InvalidOperationException("The DevTools connection to Chromium closed."));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync();
        try
        {
            await _reader;
        }
        catch (OperationCanceledException)
        {
        }
        _socket.Dispose();
        _closing.Dispose();
        _sending.Dispose();
    }
}
