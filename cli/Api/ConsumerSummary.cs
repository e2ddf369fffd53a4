namespace Sluice.Cli.Api;

/// <summary>One entry of <c>GET /api/v1/consumers</c>.</summary>
internal sealed record ConsumerSummary(string Name, IReadOnlyList<string> Topics, int Instances, string ActiveVersion);
