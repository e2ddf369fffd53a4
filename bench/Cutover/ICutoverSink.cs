namespace Sluice.Bench.Cutover;

/// <summary>
/// Where a contender's handler reports every record it finished. The one handler all contenders
/// share: the analysis reads the recorded stream, so every contender is measured the same way.
/// </summary>
/// <remarks>
/// Thread-safe and cheap (a lock and an append); call it from any handler thread, once per
/// processed record, after the record's work is done and before its offset is committed. The
/// sink stamps the time itself so that every contender and the producer share one clock.
/// </remarks>
internal interface ICutoverSink
{
    /// <summary>Records that <paramref name="consumerId"/> (of <paramref name="version"/>) finished a record.</summary>
    /// <exception cref="ArgumentException"><paramref name="topic"/> is not the scenario's topic.</exception>
    void RecordProcessed(string topic, int partition, long offset, string consumerId, string version);

    /// <summary>
    /// The same for a record finished in another process, which stamped the wall-clock time itself (Unix ms,
    /// the same machine's clock): the time is placed on the run's clock.
    /// </summary>
    void RecordProcessedAt(string topic, int partition, long offset, string consumerId, string version, DateTimeOffset at);
}
