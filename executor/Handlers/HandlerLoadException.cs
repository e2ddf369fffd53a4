namespace Sluice.Executor.Handlers;

/// <summary>The handler named in the consumer spec could not be loaded; the task fails with this message.</summary>
public sealed class HandlerLoadException : Exception
{
    public HandlerLoadException(string message) : base(message)
    {
    }

    public HandlerLoadException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
