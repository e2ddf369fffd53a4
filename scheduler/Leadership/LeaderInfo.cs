using System.Text.Json.Serialization;

namespace Sluice.Scheduler.Leadership;

/// <summary>
/// What a contender publishes in its election node, so standbys (and clients) can find the leader: its REST address
/// (HTTP/1.1, PORT0 under Marathon) and control-plane gRPC address (HTTP/2, PORT1).
/// </summary>
internal sealed record LeaderInfo(string CandidateId, string? RestAddress, string? GrpcAddress);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(LeaderInfo))]
internal sealed partial class LeadershipJsonContext : JsonSerializerContext;
