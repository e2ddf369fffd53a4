using System.Net.Sockets;
using System.Text;

namespace Sluice.Testing.ZooKeeper;

/// <summary>ZooKeeper's four-letter-word admin commands (<c>ruok</c>, <c>srvr</c>, …) over a plain TCP socket.</summary>
public static class FourLetterWords
{
    /// <summary>
    /// Sends <paramref name="word"/> to the server and returns everything it answers before closing the
    /// connection. Throws <see cref="SocketException"/> when nothing listens, <see cref="TimeoutException"/>
    /// when the answer takes longer than <paramref name="timeout"/>.
    /// </summary>
    public static async Task<string> SendAsync(string host, int port, string word, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(word);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(host, port, cts.Token).ConfigureAwait(false);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(word), cts.Token).ConfigureAwait(false);
            client.Client.Shutdown(SocketShutdown.Send);
            using var answer = new MemoryStream();
            await stream.CopyToAsync(answer, cts.Token).ConfigureAwait(false);
            return Encoding.ASCII.GetString(answer.ToArray());
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"ZooKeeper at {host}:{port} did not answer '{word}' within {timeout.TotalMilliseconds:0} ms.");
        }
    }

    /// <summary>True when the server answers <c>ruok</c> with <c>imok</c>; false on any connection error or timeout.</summary>
    public static async Task<bool> IsOkAsync(string host, int port, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        try
        {
            return await SendAsync(host, port, "ruok", timeout, cancellationToken).ConfigureAwait(false) == "imok";
        }
        catch (Exception e) when (e is SocketException or IOException or TimeoutException)
        {
            return false;
        }
    }
}
