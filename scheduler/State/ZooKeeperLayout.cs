namespace Sluice.Scheduler.State;

/// <summary>
/// The ZooKeeper layout of DESIGN.md §4: <c>/sluice/&lt;framework&gt;/{framework-id, leader, consumers, deployments}</c>,
/// plus <c>control-plane-secret</c>.
/// </summary>
internal static class ZooKeeperLayout
{
    public const string Base = "/sluice";

    public static string FrameworkRoot(string framework)
    {
        return $"{Base}/{StateKey.CheckName(framework, nameof(framework))}";
    }

    public static string Leader(string framework) => $"{FrameworkRoot(framework)}/leader";

    /// <summary>The executors' control-plane secret, shared by every scheduler of the framework.</summary>
    public static string ControlPlaneSecret(string framework) => $"{FrameworkRoot(framework)}/control-plane-secret";
}
