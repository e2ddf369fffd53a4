using Sluice.Scheduler.State;

namespace Sluice.Scheduler.Tests.State;

public sealed class MemoryStateStoreTests : StateStoreContract
{
    internal override Task<IStateStore> CreateStoreAsync() => Task.FromResult<IStateStore>(new MemoryStateStore());
}
