using System.Text.Json.Serialization;
using Sluice.Scheduler.State.Model;

namespace Sluice.Scheduler.State;

/// <summary>Source-generated JSON for the persisted records: camelCase, enums by name, compact.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    WriteIndented = false)]
[JsonSerializable(typeof(ConsumerRecord))]
[JsonSerializable(typeof(OwnershipTable))]
[JsonSerializable(typeof(Deployment))]
[JsonSerializable(typeof(FrameworkIdRecord))]
internal sealed partial class StateJsonContext : JsonSerializerContext;

/// <summary>The framework id as stored (node <c>framework-id</c>).</summary>
internal sealed record FrameworkIdRecord(string FrameworkId);
