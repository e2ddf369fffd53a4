using Sluice.Executor.ControlPlane;
using Sluice.Executor.Tasks;
using Sluice.Proto.ControlPlane.V1;
using Xunit.Abstractions;

namespace Sluice.Executor.Tests.Tasks;

/// <summary>The control plane compiled ahead, before the task connects: the link and the messages of a handover.</summary>
public sealed class ControlPlaneWarmUpTests(ITestOutputHelper output)
{
    [Fact]
    public void Types_CoverTheLinkAndTheHandoverMessages()
    {
        var types = ControlPlaneWarmUp.Types().ToList();

        Assert.Contains(typeof(SchedulerLink), types);
        Assert.Contains(typeof(ConsumerPartitionOwner), types);
        Assert.Contains(typeof(Assign), types);
        Assert.Contains(typeof(Released), types);
        Assert.Contains(typeof(SchedulerMessage.BodyOneofCase), types);
    }

    [Fact]
    public void Prepare_TheControlPlaneTypes_CompilesMoreThan100Methods()
    {
        var (methods, took) = ControlPlaneWarmUp.Prepare(ControlPlaneWarmUp.Types(), CancellationToken.None);
        output.WriteLine($"{methods} methods in {took.TotalMilliseconds:0} ms");

        Assert.True(methods > 100, $"compiled {methods} methods");
        Assert.True(took > TimeSpan.Zero);
    }

    [Fact]
    public void Prepare_AlreadyCancelled_ThrowsOperationCanceled() =>
        Assert.Throws<OperationCanceledException>(() => ControlPlaneWarmUp.Prepare(ControlPlaneWarmUp.Types(), new CancellationToken(canceled: true)));

    [Fact]
    public void Prepare_CancelledBetweenTypes_StopsBeforeTheNextType()
    {
        using var cancel = new CancellationTokenSource();
        var handed = new List<Type>();
        IEnumerable<Type> CancelAfterFirst()
        {
            handed.Add(typeof(Assign));
            yield return typeof(Assign);
            cancel.Cancel();
            handed.Add(typeof(Released));
            yield return typeof(Released);
            handed.Add(typeof(Progress));
            yield return typeof(Progress);
        }

        Assert.Throws<OperationCanceledException>(() => ControlPlaneWarmUp.Prepare(CancelAfterFirst(), cancel.Token));

        Assert.Equal([typeof(Assign), typeof(Released)], handed); // the enumeration stopped at the first check after the cancel
    }
}
