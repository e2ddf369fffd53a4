using Sluice.Bench.Cutover;

namespace Sluice.Bench.Tests.Cutover;

public sealed class AssignmentBoardTests
{
    [Fact]
    public void IsStable_EveryPartitionHeldOnce_True()
    {
        var sut = CreateSut(("a", [0, 1]), ("b", [2, 3]));

        Assert.True(sut.IsStable());
    }

    [Theory]
    [InlineData(new[] { 0, 1 }, new[] { 1, 2, 3 })] // partition 1 twice
    [InlineData(new[] { 0, 1 }, new[] { 2 })] // partition 3 nowhere
    [InlineData(new[] { 0, 1, 2, 3 }, new int[0])] // a member holds nothing
    public void IsStable_OverlapGapOrIdleMember_False(int[] a, int[] b)
    {
        var sut = CreateSut(("a", a), ("b", b));

        Assert.False(sut.IsStable());
    }

    [Fact]
    public void Remove_RevokedPartitions_NoLongerHeld()
    {
        var sut = CreateSut(("a", [0, 1, 2, 3]));

        sut.Remove("a", [1, 3]);

        Assert.Equal(2, sut.Held("a"));
        Assert.False(sut.IsStable());
    }

    [Fact]
    public void Add_MemberThatLeft_Ignored()
    {
        var sut = CreateSut(("a", [0, 1, 2, 3]));
        sut.Leave("b");

        sut.Add("b", [0]);

        Assert.Equal(0, sut.Held("b"));
        Assert.True(sut.IsStable());
    }

    [Fact]
    public async Task WhenStableAsync_LastPartitionAssigned_Completes()
    {
        var sut = CreateSut(("a", [0, 1]), ("b", [2]));
        var wait = sut.WhenStableAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        Assert.False(wait.IsCompleted);

        sut.Add("b", [3]);

        await wait.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task WhenStableAsync_NeverStable_TimeoutNamesWhatEachMemberHolds()
    {
        var sut = CreateSut(("a", [0, 1]), ("b", []));

        var error = await Assert.ThrowsAsync<TimeoutException>(() => sut.WhenStableAsync(TimeSpan.FromMilliseconds(20), CancellationToken.None));

        Assert.Contains("a holds 2, b holds 0", error.Message, StringComparison.Ordinal);
    }

    private static AssignmentBoard CreateSut(params (string Member, int[] Partitions)[] members)
    {
        var board = new AssignmentBoard(partitions: 4);
        foreach (var (member, partitions) in members)
        {
            board.Join(member);
            board.Add(member, partitions);
        }
        return board;
    }
}
