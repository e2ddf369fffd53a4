using System.Diagnostics.CodeAnalysis;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Sluice.Proto.ControlPlane.V1;

namespace Sluice.Executor.ControlPlane;

/// <summary>
/// Reads the data of a Mesos MESSAGE from the scheduler as a <see cref="LeaderHint"/> and hands it to the links of
/// this executor's tasks. Anything else is logged and dropped: what arrives through the agent never stops the executor.
/// </summary>
/// <remarks>Runs on the executor's agent-event loop; it neither blocks nor throws.</remarks>
internal sealed partial class LeaderHintReceiver(ILogger<LeaderHintReceiver> logger)
{
    private readonly ILogger _logger = logger;

    /// <summary>Applies the hint in <paramref name="data"/> to every link; false when it is not a valid hint.</summary>
    public bool Receive(ByteString data, IEnumerable<SchedulerLink> links)
    {
        if (!TryRead(data, out var hint, out var problem))
        {
            LogIgnored(data.Length, problem);
            return false;
        }
        foreach (var link in links)
        {
            var outcome = link.FollowLeaderHint(hint);
            if (outcome == LeaderHintOutcome.Stale)
            {
                LogStale(hint.SchedulerId, hint.Term, hint.ControlPlaneAddress, link.LeaderTerm);
            }
            else
            {
                LogApplied(hint.SchedulerId, hint.Term, hint.ControlPlaneAddress, outcome);
            }
        }
        return true;
    }

    /// <summary>Parses and checks a hint: a term, and an address the link can dial (<c>host:port</c> or an http(s) URL).</summary>
    public static bool TryRead(ByteString data, [NotNullWhen(true)] out LeaderHint? hint, [NotNullWhen(false)] out string? problem)
    {
        hint = null;
        LeaderHint parsed;
        try
        {
            parsed = LeaderHint.Parser.ParseFrom(data);
        }
        catch (InvalidProtocolBufferException ex)
        {
            problem = $"not a LeaderHint: {ex.Message}";
            return false;
        }
        problem = parsed.Term == 0 ? "it has no term"
            : !IsAddress(parsed.ControlPlaneAddress) ? $"'{Shorten(parsed.ControlPlaneAddress)}' is not a control-plane address"
            : null;
        if (problem is not null)
        {
            return false;
        }
        hint = parsed;
        return true;
    }

    private static bool IsAddress(string address)
    {
        var url = address.Contains("://", StringComparison.Ordinal);
        return address.Length is > 0 and <= 1024
            && Uri.TryCreate(url ? address : "http://" + address, UriKind.Absolute, out var uri)
            && uri.Scheme is "http" or "https"
            && uri.Host.Length > 0
            && uri.PathAndQuery == "/" && uri.Fragment.Length == 0 && uri.UserInfo.Length == 0
            // Without a scheme it must be exactly host:port: a word or a sentence of text is no address.
            && (url || string.Equals(address, $"{uri.Host}:{uri.Port}", StringComparison.OrdinalIgnoreCase));
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";

    [LoggerMessage(EventId = 130, Level = LogLevel.Warning, Message = "[Message] ignoring a message from the scheduler ({Bytes} bytes): {Problem}")]
    private partial void LogIgnored(int bytes, string problem);

    [LoggerMessage(EventId = 131, Level = LogLevel.Information, Message = "[Message] leader hint: scheduler {SchedulerId} (term {Term}) leads at {Address}: {Outcome}")]
    private partial void LogApplied(string schedulerId, ulong term, string address, LeaderHintOutcome outcome);

    [LoggerMessage(EventId = 132, Level = LogLevel.Warning, Message = "[Message] ignoring a stale leader hint: scheduler {SchedulerId} (term {Term}) at {Address}, but term {Applied} was applied already")]
    private partial void LogStale(string schedulerId, ulong term, string address, ulong applied);
}
