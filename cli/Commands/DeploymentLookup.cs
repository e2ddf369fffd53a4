using Sluice.Cli.Api;

namespace Sluice.Cli.Commands;

/// <summary>Finds a consumer's active deployment (any not yet succeeded, rolled back, failed or aborted).</summary>
internal static class DeploymentLookup
{
    /// <param name="purpose">What the user wants to do, for the message when there is none: <c>roll back</c>.</param>
    /// <exception cref="CliException">Exit code 1 when the consumer has no active deployment.</exception>
    public static async Task<Deployment> ActiveAsync(CliContext context, string consumer, string purpose, CancellationToken cancellationToken)
    {
        var all = (await context.Client.GetAsync<Deployment[]>(ApiPaths.Deployments(consumer), cancellationToken)).Value ?? [];
        if (Active(all) is { } active)
        {
            return active;
        }
        var latest = all.MaxBy(d => d.CreatedAt);
        var after = latest is null ? "it has none" : $"the latest, {latest.Id}, {latest.Status}";
        throw new CliException(CliError.Refused(ApiProblem.Clean($"consumer '{consumer}' has no active deployment to {purpose} ({after})")));
    }

    public static Deployment? Active(IEnumerable<Deployment> deployments) =>
        deployments.Where(d => !d.IsFinished).MaxBy(d => d.CreatedAt);
}
