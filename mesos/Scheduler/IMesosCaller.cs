using Sluice.Mesos.Http;
using Sluice.Proto.Mesos.V1.Scheduler;

namespace Sluice.Mesos.Scheduler;

/// <summary>
/// Sends scheduler calls other than SUBSCRIBE to the leading master. Decorators (metrics,
/// logging, framework-ID injection) wrap this interface.
/// </summary>
public interface IMesosCaller
{
    /// <summary>
    /// Sends <paramref name="call"/> and completes when the master accepted it (202): queued,
    /// not done. Results arrive as events on the subscription stream.
    /// </summary>
    /// <exception cref="MesosCallException">
    /// The master refused the call, or it could not be delivered; <see cref="MesosCallException.IsTransient"/>
    /// says whether sending it again later may succeed.
    /// </exception>
    Task CallAsync(Call call, CancellationToken cancellationToken);
}
