namespace Sluice.Bench.Cutover;

/// <summary>One record a contender's handler finished, stamped on the run's clock.</summary>
/// <param name="Partition">The record's partition.</param>
/// <param name="Offset">The record's offset.</param>
/// <param name="ConsumerId">Which consumer processed it (e.g. <c>v1-0</c>, or a Mesos task id).</param>
/// <param name="Version">The consumer's version: <see cref="CutoverScenario.OldVersion"/> or <see cref="CutoverScenario.NewVersion"/>.</param>
/// <param name="At">When the handler finished it, since the recorder started.</param>
internal readonly record struct ProcessedRecord(int Partition, long Offset, string ConsumerId, string Version, TimeSpan At);

/// <summary>One record the workload producer got acknowledged, stamped on the run's clock.</summary>
/// <param name="Partition">The record's partition.</param>
/// <param name="Offset">The offset the broker gave it.</param>
/// <param name="AvailableAt">When its delivery was acknowledged: from then on a consumer could fetch it.</param>
internal readonly record struct ProducedRecord(int Partition, long Offset, TimeSpan AvailableAt);
