using Microsoft.Extensions.Logging.Abstractions;
using Sluice.Consumer;
using Sluice.Executor.Handlers;

namespace Sluice.Executor.Tests.Handlers;

public sealed class HandlerFactoryTests
{
    private static HandlerContext Context(Dictionary<string, string>? settings = null) =>
        new("task-1", "orders", "v1", AppContext.BaseDirectory, settings ?? [], NullLoggerFactory.Instance);

    private static string ThisAssembly => Path.GetFileName(typeof(HandlerFactoryTests).Assembly.Location);

    [Theory]
    [InlineData("sluice:noop")]
    [InlineData("sluice:sleep")]
    public void Create_BuiltIn_ReturnsASingleMessageHandler(string name)
    {
        var handler = HandlerFactory.Create("", name, Context());

        Assert.NotNull(handler.Single);
        Assert.Null(handler.Batch);
    }

    [Fact]
    public void Create_UnknownBuiltIn_ListsTheBuiltIns()
    {
        var error = Assert.Throws<HandlerLoadException>(() => HandlerFactory.Create("", "sluice:nope", Context()));

        Assert.Contains("Unknown built-in handler 'sluice:nope'", error.Message, StringComparison.Ordinal);
        Assert.Contains("sluice:record", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_RecordWithoutOutput_NamesTheMissingSetting()
    {
        var error = Assert.Throws<HandlerLoadException>(() => HandlerFactory.Create("", "sluice:record", Context()));

        Assert.Contains("'output'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_SleepWithBadNumber_SaysWhatIsExpected()
    {
        var error = Assert.Throws<HandlerLoadException>(() =>
            HandlerFactory.Create("", "sluice:sleep", Context(new() { ["sleepMs"] = "soon" })));

        Assert.Contains("'sleepMs' must be a whole number", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_UserTypeFromAnAssemblyInTheSandbox_UsesItsContextConstructor()
    {
        var handler = HandlerFactory.Create(ThisAssembly, typeof(ContextHandler).FullName!, Context());

        // The assembly loads into the handler's own load context, so compare by name, not identity;
        // HandlerContext is shared with the executor, so the context arrives as the same type.
        Assert.Equal(typeof(ContextHandler).FullName, handler.Single!.GetType().FullName);
        var context = (HandlerContext)handler.Single.GetType().GetProperty(nameof(ContextHandler.Context))!.GetValue(handler.Single)!;
        Assert.Equal("task-1", context.TaskId);
    }

    [Fact]
    public void Create_UserBatchType_ReturnsABatchHandler()
    {
        var handler = HandlerFactory.Create(ThisAssembly, typeof(BatchHandler).FullName!, Context());

        Assert.Equal(typeof(BatchHandler).FullName, handler.Batch!.GetType().FullName);
        Assert.Null(handler.Single);
    }

    [Theory]
    [InlineData("missing.dll", "Sluice.X", "is not in the sandbox")]
    [InlineData("", "Some.Type", "needs an assembly")]
    [InlineData(null, "No.Such.Type", "is not in")]
    [InlineData(null, "Sluice.Executor.Tests.Handlers.NotAHandler", "implements neither")]
    [InlineData(null, "Sluice.Executor.Tests.Handlers.ThrowingHandler", "threw in its constructor: boom")]
    [InlineData(null, "Sluice.Executor.Tests.Handlers.NoUsableConstructorHandler", "needs a public constructor")]
    [InlineData(null, "", "names no handler type")]
    public void Create_BadSpec_FailsWithAClearMessage(string? assembly, string type, string expected)
    {
        var error = Assert.Throws<HandlerLoadException>(() => HandlerFactory.Create(assembly ?? ThisAssembly, type, Context()));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}

public sealed class ContextHandler(HandlerContext context) : IMessageHandler
{
    public HandlerContext Context { get; } = context;

    public ValueTask HandleAsync(ConsumedMessage message, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

public sealed class BatchHandler : IBatchMessageHandler
{
    public ValueTask HandleAsync(ReadOnlyMemory<ConsumedMessage> messages, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

public sealed class NotAHandler;

public sealed class ThrowingHandler : IMessageHandler
{
    public ThrowingHandler() => throw new InvalidOperationException("boom");

    public ValueTask HandleAsync(ConsumedMessage message, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

public sealed class NoUsableConstructorHandler(int value) : IMessageHandler
{
    public int Value { get; } = value;

    public ValueTask HandleAsync(ConsumedMessage message, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
