namespace Sluice.Cli.Tests.Infrastructure;

/// <summary>A scheduler started with <c>--api-token</c>: mutating requests need <c>Authorization: Bearer</c>.</summary>
public sealed class TokenSchedulerProcess : SchedulerProcess
{
    public const string Token = "cli-test-token-7f3a";

    protected override string? ApiToken => Token;
}
