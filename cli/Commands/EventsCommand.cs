using System.CommandLine;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Sluice.Cli.Api;
using Sluice.Cli.Rendering;

namespace Sluice.Cli.Commands;

/// <summary>
/// <c>sluice events [--consumer NAME]</c>: follows <c>GET /api/v1/events</c> (server-sent events) and prints each
/// event on one line (with <c>--output json</c>, each event's JSON on one line) until Ctrl-C, which ends it with 0.
/// Keep-alives are not shown; the stream opening is noted on stderr.
/// </summary>
internal static class EventsCommand
{
    private const string KeepAlive = "keepalive";
    private const string Opened = "stream.opened";

    public static Command Create(CliRuntime runtime)
    {
        var consumer = new Option<string?>("--consumer") { Description = "Only this consumer's events", HelpName = "NAME" };
        var command = new Command("events", "Follow the scheduler's events (Ctrl-C to stop)") { consumer };
        command.SetAction(runtime.Action(async (context, parse, cancellationToken) =>
        {
            var only = parse.GetValue(consumer);
            try
            {
                using var response = await context.Client.OpenStreamAsync(ApiPaths.Events, "text/event-stream", cancellationToken);
                await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
                await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken))
                {
                    Show(context, item, only);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return ExitCode.Ok;
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                throw new CliException(CliError.Unreachable($"the event stream from {context.Client.Display} broke off: {ApiProblem.Clean(e.Message)}"));
            }
            return cancellationToken.IsCancellationRequested
                ? ExitCode.Ok
                : throw new CliException(CliError.Unreachable($"the Sluice API at {context.Client.Display} closed the event stream"));
        }));
        return command;
    }

    private static void Show(CliContext context, SseItem<string> item, string? only)
    {
        if (item.EventType == KeepAlive)
        {
            return;
        }
        if (item.EventType == Opened)
        {
            if (context.IsJson)
            {
                context.WriteJson(item.Data);
            }
            else
            {
                context.Note($"following events from {context.Client.Display} (Ctrl-C to stop)");
            }
            return;
        }
        var e = Read(item);
        if (only is not null && e.Consumer != only)
        {
            return;
        }
        if (context.IsJson)
        {
            context.WriteJson(item.Data);
        }
        else
        {
            context.Line(EventLine.Format(e));
        }
    }

    /// <summary>The event's data; data this CLI cannot read is shown as the message.</summary>
    private static SchedulerEvent Read(SseItem<string> item)
    {
        SchedulerEvent? e;
        try
        {
            e = JsonSerializer.Deserialize<SchedulerEvent>(item.Data, CliJson.Options);
        }
        catch (JsonException)
        {
            e = null;
        }
        return e is { Type: not null } ? e : new SchedulerEvent(0, item.EventType, null, DateTimeOffset.UtcNow, item.Data, null);
    }
}
