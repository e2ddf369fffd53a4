using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Sluice.ZooKeeper.Native;

namespace Sluice.ZooKeeper.Tests;

public sealed class NativeLayoutTests
{
    [Fact]
    public void Structs_have_the_sizes_of_the_C_client_on_x64()
    {
        Assert.Equal(72, Unsafe.SizeOf<ZkStat>());
        Assert.Equal(16, Unsafe.SizeOf<ZkStringVector>());
        Assert.Equal(24, Unsafe.SizeOf<ZkClientId>());
        Assert.Equal(72, Unsafe.SizeOf<ZkOp>());
        Assert.Equal(32, Unsafe.SizeOf<ZkOpResult>());
    }

    [Fact]
    public void Constants_read_from_the_library_have_the_documented_values()
    {
        Assert.Equal(-112, ZooKeeperConstants.ExpiredSessionState);
        Assert.Equal(3, ZooKeeperConstants.ConnectedState);
        Assert.Equal(1, ZooKeeperConstants.ConnectingState);
        Assert.Equal(-1, ZooKeeperConstants.SessionEvent);
        Assert.Equal(4, ZooKeeperConstants.ChildEvent);
    }

    [Fact]
    public void Error_text_comes_from_zerror()
    {
        Assert.Equal("no node", ZooKeeperNative.ErrorText((int)ZooKeeperErrorCode.NoNode));
        Assert.Contains("no node", new ZooKeeperException(ZooKeeperErrorCode.NoNode, "/x").Message);
    }

    [Theory]
    [InlineData("2026-11-28 12:00:00,123:42(0x7f):ZOO_ERROR@handle_socket_error_msg@1: Socket refused", LogLevel.Warning, "handle_socket_error_msg@1: Socket refused")]
    [InlineData("2026-11-28 12:00:00,123:42(0x7f):ZOO_INFO@check_events@2: session established\n", LogLevel.Information, "check_events@2: session established")]
    [InlineData("2026-11-28 12:00:00,123:42(0x7f):ZOO_DEBUG@x@3: y", LogLevel.Debug, "x@3: y")]
    public void Native_log_lines_are_parsed_into_level_and_text(string line, LogLevel level, string text)
    {
        Assert.Equal((level, text), NativeLog.Parse(line));
    }
}
