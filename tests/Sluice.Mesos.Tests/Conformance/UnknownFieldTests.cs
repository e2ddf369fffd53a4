using Google.Protobuf;
using Sluice.Proto.Mesos.V1.Scheduler;

namespace Sluice.Mesos.Tests.Conformance;

/// <summary>
/// Fields the master sends that our subset leaves out survive a decode/encode round trip
/// (Google.Protobuf keeps unknown fields of proto2 messages).
/// </summary>
public sealed class UnknownFieldTests
{
    // Every field below is in the official schema and left out of ours: an inverse offer, a
    // RESERVE operation, a persistent volume (Resource.disk), container volumes.
    private const string EventWithFieldsWeDoNotModel = """
        type: OFFERS
        inverse_offers {
          inverse_offers {
            id { value: "io-1" }
            framework_id { value: "fw" }
            unavailability { start { nanoseconds: 1 } }
          }
        }
        offers {
          offers {
            id { value: "o-1" }
            framework_id { value: "fw" }
            agent_id { value: "a-1" }
            hostname: "agent-1"
            resources {
              name: "disk" type: SCALAR scalar { value: 1024 }
              disk { persistence { id: "vol-1" principal: "ops" } volume { mode: RW container_path: "data" } }
            }
          }
        }
        """;

    [Fact]
    public async Task DecodeEncode_FieldsOnlyTheOfficialSchemaKnows_SurviveByteForByte()
    {
        var protos = OfficialMesosProtos.Get();
        byte[] official = await protos.EncodeAsync(Event.Descriptor, EventWithFieldsWeDoNotModel);

        var ours = Event.Parser.ParseFrom(official);
        byte[] again = ours.ToByteArray();

        Assert.Equal("o-1", ours.Offers.Offers_[0].Id.Value);
        Assert.Equal(official.Length, again.Length);
        string before = await protos.DecodeAsync(Event.Descriptor, official);
        string after = await protos.DecodeAsync(Event.Descriptor, again);
        Assert.Equal(before, after);
        Assert.Contains("inverse_offers", after);
        Assert.Contains("persistence", after);
    }

    [Fact]
    public async Task Clone_OfAMessageWithUnknownFields_KeepsThem()
    {
        var official = await OfficialMesosProtos.Get().EncodeAsync(Event.Descriptor, EventWithFieldsWeDoNotModel);
        var ours = Event.Parser.ParseFrom(official);

        var resource = ours.Offers.Offers_[0].Resources[0].Clone();

        // The TaskInfo built from an offer copies resources: their unknown DiskInfo must travel too.
        var wrapper = new Sluice.Proto.Mesos.V1.TaskInfo { Resources = { resource } };
        var decoded = await OfficialMesosProtos.Get().DecodeAsync(Sluice.Proto.Mesos.V1.TaskInfo.Descriptor, wrapper.ToByteArray());
        Assert.Contains("container_path: \"data\"", decoded);
    }
}
