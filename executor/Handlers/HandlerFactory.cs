using System.Reflection;
using System.Runtime.Loader;
using Sluice.Consumer;

namespace Sluice.Executor.Handlers;

/// <summary>
/// Creates the handler a consumer spec names: a built-in one (<c>sluice:noop</c>,
/// <c>sluice:sleep</c>, <c>sluice:record</c>), or a type implementing <see cref="IMessageHandler"/>
/// or <see cref="IBatchMessageHandler"/> from an assembly in the sandbox.
/// </summary>
/// <remarks>
/// A handler type needs a public constructor taking a <see cref="HandlerContext"/>, or a public
/// parameterless one. User assemblies load into their own <see cref="AssemblyLoadContext"/> that
/// shares Sluice.Consumer and Confluent.Kafka with the executor, so the interfaces match.
/// </remarks>
public static class HandlerFactory
{
    public const string BuiltInPrefix = "sluice:";

    /// <summary>The built-in handlers by name.</summary>
    public static IReadOnlyDictionary<string, Func<HandlerContext, IMessageHandler>> BuiltIns { get; } =
        new Dictionary<string, Func<HandlerContext, IMessageHandler>>(StringComparer.Ordinal)
        {
            ["sluice:noop"] = _ => new NoopHandler(),
            ["sluice:sleep"] = context => new SleepHandler(context),
            ["sluice:record"] = context => new RecordingHandler(context),
        };

    /// <param name="assembly">Assembly file (relative to the sandbox, or absolute); empty for a built-in.</param>
    /// <param name="type">Built-in name, or the full type name in <paramref name="assembly"/>.</param>
    /// <exception cref="HandlerLoadException">Anything that stops the handler from being created, said plainly.</exception>
    public static LoadedHandler Create(string assembly, string type, HandlerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (string.IsNullOrWhiteSpace(type))
        {
            throw new HandlerLoadException("The consumer spec names no handler type.");
        }

        if (type.StartsWith(BuiltInPrefix, StringComparison.Ordinal))
        {
            return BuiltIns.TryGetValue(type, out var create)
                ? new LoadedHandler(create(context), null, type)
                : throw new HandlerLoadException(
                    $"Unknown built-in handler '{type}'. Built-ins: {string.Join(", ", BuiltIns.Keys.Order(StringComparer.Ordinal))}.");
        }

        if (string.IsNullOrWhiteSpace(assembly))
        {
            throw new HandlerLoadException($"Handler type '{type}' needs an assembly (a file fetched into the sandbox).");
        }
        var path = Path.IsPathRooted(assembly) ? assembly : Path.Combine(context.SandboxDirectory, assembly);
        if (!File.Exists(path))
        {
            throw new HandlerLoadException($"Handler assembly '{assembly}' is not in the sandbox ({path}).");
        }

        Assembly loaded;
        try
        {
            loaded = new HandlerLoadContext(path).LoadFromAssemblyPath(Path.GetFullPath(path));
        }
        catch (Exception ex) when (ex is BadImageFormatException or FileLoadException)
        {
            throw new HandlerLoadException($"Handler assembly '{assembly}' could not be loaded: {ex.Message}", ex);
        }

        var handlerType = loaded.GetType(type, throwOnError: false)
            ?? throw new HandlerLoadException($"Handler type '{type}' is not in '{assembly}'.");
        var instance = Instantiate(handlerType, context);
        return instance switch
        {
            IMessageHandler single => new LoadedHandler(single, null, $"{type} ({assembly})"),
            IBatchMessageHandler batch => new LoadedHandler(null, batch, $"{type} ({assembly}, batch)"),
            _ => throw new HandlerLoadException(
                $"Handler type '{type}' implements neither {nameof(IMessageHandler)} nor {nameof(IBatchMessageHandler)}."),
        };
    }

    private static object Instantiate(Type type, HandlerContext context)
    {
        try
        {
            if (type.GetConstructor([typeof(HandlerContext)]) is { } withContext)
            {
                return withContext.Invoke([context]);
            }
            if (type.GetConstructor(Type.EmptyTypes) is { } parameterless)
            {
                return parameterless.Invoke([]);
            }
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw new HandlerLoadException($"Handler type '{type.FullName}' threw in its constructor: {ex.InnerException.Message}", ex.InnerException);
        }
        throw new HandlerLoadException(
            $"Handler type '{type.FullName}' needs a public constructor taking {nameof(HandlerContext)}, or a parameterless one.");
    }

    /// <summary>Loads a user assembly and its private dependencies; shares what the executor already has.</summary>
    private sealed class HandlerLoadContext(string mainAssemblyPath) : AssemblyLoadContext(isCollectible: false)
    {
        private readonly AssemblyDependencyResolver _resolver = new(mainAssemblyPath);

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            // The contract assemblies must be the executor's own, or the interfaces would not match.
            var shared = Default.Assemblies.FirstOrDefault(a => a.GetName().Name == assemblyName.Name);
            if (shared is not null)
            {
                return shared;
            }
            var path = _resolver.ResolveAssemblyToPath(assemblyName);
            return path is null ? null : LoadFromAssemblyPath(path);
        }
    }
}
