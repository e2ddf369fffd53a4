using Sluice.ZooKeeper.Native;

namespace Sluice.ZooKeeper;

/// <summary>An operation failed with a ZooKeeper error code (reported by the server or by the C client).</summary>
public class ZooKeeperException : Exception
{
    public ZooKeeperException(ZooKeeperErrorCode code, string? path)
        : this(code, path, Describe(code, path))
    {
    }

    public ZooKeeperException(ZooKeeperErrorCode code, string? path, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
        Path = path;
    }

    /// <summary>The error code, e.g. <see cref="ZooKeeperErrorCode.NoNode"/>.</summary>
    public ZooKeeperErrorCode Code { get; }

    /// <summary>The path the operation was about, when there is one.</summary>
    public string? Path { get; }

    /// <summary>
    /// True for errors after which the same operation may succeed on the same client once it reconnects
    /// (connection loss, operation timeout, throttling). The outcome of a mutating operation is unknown then.
    /// </summary>
    public bool IsTransient => Code is ZooKeeperErrorCode.ConnectionLoss or ZooKeeperErrorCode.OperationTimeout or ZooKeeperErrorCode.ThrottledOp;

    internal static string Describe(ZooKeeperErrorCode code, string? path)
    {
        string text;
        try
        {
            text = ZooKeeperNative.ErrorText((int)code);
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
        {
            text = code.ToString();
        }

        return path is null ? $"ZooKeeper {code}: {text}" : $"ZooKeeper {code} at '{path}': {text}";
    }
}
