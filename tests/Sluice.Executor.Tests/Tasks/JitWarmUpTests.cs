using Sluice.Consumer;
using Sluice.Executor.Tasks;

namespace Sluice.Executor.Tests.Tasks;

public sealed class JitWarmUpTests
{
    [Fact]
    public void The_record_path_assemblies_compile_ahead_without_an_error()
    {
        var (methods, took) = JitWarmUp.Prepare([typeof(SluiceConsumer).Assembly, typeof(JitWarmUp).Assembly], CancellationToken.None);

        Assert.True(methods > 500, $"only {methods} methods prepared");
        Assert.True(took > TimeSpan.Zero);
    }

    [Fact]
    public void A_cancelled_warm_up_stops()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.Throws<OperationCanceledException>(() => JitWarmUp.Prepare([typeof(SluiceConsumer).Assembly], cancelled.Token));
    }
}
