namespace Sluice.Scheduler.State;

/// <summary>The ZooKeeper layout of DESIGN.md §4: <c>/sluice/&lt;framework&gt;/{framework-id, leader, consumers, deployments}</c>.</summary>
internal static class ZooKeeperLayout
{
    public const string Base = "/sluice";

    public static string FrameworkRoot(string framework)
    {
        return $"{Base}/{StateKey.CheckName(framework, nameof(framework))}";
    }

    public static string Leader(string framework) => $"{FrameworkRoot(framework)}/leader";
}
