using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;
using Sluice.Proto.ControlPlane.V1;

namespace Sluice.Executor.Tasks;

/// <summary>
/// Compiles the executor's side of the control plane ahead: the scheduler link, its command handling and the messages
/// of an Assign, a Release and their answers. <see cref="ConsumerRehearsal"/> runs the record path for real; these
/// methods first run when the scheduler hands the task its first partition, which is in the middle of a handover.
/// </summary>
/// <remarks>
/// Only non-generic methods compile ahead this way (<see cref="RuntimeHelpers.PrepareMethod(RuntimeMethodHandle)"/>);
/// the few generic instantiations behind them compile at their first call.
/// </remarks>
internal static class ControlPlaneWarmUp
{
    private const BindingFlags Declared = BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;

    /// <summary>The link and the messages of a handover, with their nested types (state machines, closures, parsers).</summary>
    public static IEnumerable<Type> Types() =>
    [
        .. typeof(ControlPlaneWarmUp).Assembly.GetTypes().Where(t => t.Namespace == "Sluice.Executor.ControlPlane"),
        .. new[]
        {
            typeof(SchedulerMessage), typeof(ExecutorMessage), typeof(Assign), typeof(Assigned), typeof(Release), typeof(Released),
            typeof(CommandRejected), typeof(Progress), typeof(PartitionProgress),
        }.SelectMany(WithNested),
    ];

    /// <summary>Compiles every non-generic method with a body of <paramref name="types"/>; returns how many and how long it took.</summary>
    public static (int Methods, TimeSpan Took) Prepare(IEnumerable<Type> types, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var prepared = 0;
        foreach (var type in types.Where(t => !t.ContainsGenericParameters))
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
            {
                if (method.IsAbstract || method.ContainsGenericParameters
                    || (method.GetMethodImplementationFlags() & (MethodImplAttributes.InternalCall | MethodImplAttributes.Runtime)) != 0
                    || (method.Attributes & MethodAttributes.PinvokeImpl) != 0)
                {
                    continue;
                }
                try
                {
                    RuntimeHelpers.PrepareMethod(method.MethodHandle);
                    prepared++;
                }
                catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or NotSupportedException or TypeLoadException or BadImageFormatException)
                {
                    // One the runtime cannot compile ahead: it compiles at its first call.
                }
            }
        }
        return (prepared, clock.Elapsed);
    }

    private static IEnumerable<Type> WithNested(Type type) => [type, .. type.GetNestedTypes(BindingFlags.Public | BindingFlags.NonPublic).SelectMany(WithNested)];
}
