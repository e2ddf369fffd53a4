namespace Sluice.Cli;

/// <summary>The process exit codes of <c>sluice</c> (listed in <c>sluice --help</c> and cli/README.md).</summary>
internal enum ExitCode
{
    /// <summary>The command did what was asked.</summary>
    Ok = 0,

    /// <summary>The server refused the request (a 4xx answer: invalid spec, not found, conflict, unauthorized).</summary>
    Refused = 1,

    /// <summary>The command line or an input file is wrong (unknown option, missing or invalid JSON file).</summary>
    Usage = 2,

    /// <summary>The API cannot be reached, or did not answer (or a wait ran out of time).</summary>
    Unreachable = 3,

    /// <summary>The server failed (a 5xx answer).</summary>
    ServerError = 4,

    /// <summary>The operation or deployment waited for ended failed, rolled back or aborted.</summary>
    Failed = 5,

    /// <summary>A wait or watch was interrupted with Ctrl-C (the scheduler carries on).</summary>
    Interrupted = 130,
}
