using Sluice.Cli.Api;

namespace Sluice.Cli.Waiting;

/// <summary>
/// How a wait shows progress: on a terminal through a live display (a spinner, a dashboard) and then the final line;
/// when stdout is redirected one plain line each time the reading's line changes; with <c>--output json</c> nothing
/// (the caller prints the final document).
/// </summary>
internal static class WaitDisplay
{
    /// <param name="line">One line describing a reading.</param>
    /// <param name="interactive">Runs the wait inside a live display, giving it a callback that updates the display.</param>
    /// <param name="poll">Runs the wait, calling the given callback with each new reading.</param>
    public static async Task<ApiResponse<T>> RunAsync<T>(
        CliContext context,
        T initial,
        Func<T, string> line,
        Func<Func<Action<T>, Task<ApiResponse<T>>>, Task<ApiResponse<T>>> interactive,
        Func<Action<T>, Task<ApiResponse<T>>> poll)
    {
        if (context.IsJson)
        {
            return await poll(_ => { });
        }
        if (context.IsInteractive)
        {
            var final = await interactive(poll);
            context.Line(line(final.Value));
            return final;
        }
        string? previous = null;
        void Print(T value)
        {
            var text = line(value);
            if (text != previous)
            {
                context.Line(text);
                previous = text;
            }
        }
        Print(initial);
        return await poll(Print);
    }
}
