namespace Sluice.ZooKeeper;

/// <summary>
/// ZooKeeper <c>digest</c> authentication (<c>user:password</c>). A client with credentials creates nodes with the
/// creator-only ACL (<c>CREATOR_ALL_ACL</c>), so only sessions authenticated as the same user can use them.
/// </summary>
public sealed record DigestCredentials(string User, string Password)
{
    public override string ToString() => $"digest {User}:***";
}
