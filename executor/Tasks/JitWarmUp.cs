using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Sluice.Executor.Tasks;

/// <summary>
/// Compiles the methods of the record path (consumer core, executor, Confluent.Kafka) before the task says it is
/// ready. A fresh executor is handed its first partitions moments after it connects; without this, its first
/// records pay for JIT-compiling the whole fetch → work → commit path on cores the other executors share (the
/// cutover benchmark saw the first move to each new executor pause 250–440 ms against ~120 ms for later moves).
/// </summary>
internal static class JitWarmUp
{
    private const BindingFlags Declared = BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;

    /// <summary>Prepares every non-generic method with a body; returns how many and how long it took.</summary>
    public static (int Methods, TimeSpan Took) Prepare(IEnumerable<Assembly> assemblies, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var prepared = 0;
        foreach (var type in assemblies.SelectMany(TypesOf))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (type.ContainsGenericParameters)
            {
                continue;
            }
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
                    // A method the runtime cannot compile ahead (e.g. one needing an instantiation): it compiles on first call.
                }
            }
        }
        return (prepared, clock.Elapsed);
    }

    private static IEnumerable<Type> TypesOf(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            return ex.Types.OfType<Type>();
        }
    }
}
