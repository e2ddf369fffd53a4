using Microsoft.Extensions.Logging;

namespace Sluice.Consumer.Failures;

internal sealed partial class FailurePolicy
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "[Failure] {Message}: attempt {Attempt} failed")]
    private partial void LogAttemptFailed(string message, int attempt, Exception error);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "[Failure] {Message}: retries exhausted after {Attempts} attempts, the failure callback chose Retry")]
    private partial void LogRetryingAgain(string message, int attempts);

    [LoggerMessage(EventId = 302, Level = LogLevel.Error, Message = "[Failure] {Message}: gave up after {Attempts} attempts with {Decision}")]
    private partial void LogGaveUp(string message, int attempts, FailedDecision decision, Exception? error);

    [LoggerMessage(EventId = 303, Level = LogLevel.Error, Message = "[Failure] {Message}: a failure callback threw; stopping the partition")]
    private partial void LogCallbackThrew(string message, Exception error);

    [LoggerMessage(EventId = 304, Level = LogLevel.Information, Message = "[DeadLetter] {Message} produced to {DeadLetterTopic}")]
    private partial void LogDeadLettered(string message, string deadLetterTopic);

    [LoggerMessage(EventId = 305, Level = LogLevel.Error, Message = "[DeadLetter] {Message} could not be produced to {DeadLetterTopic}; stopping the partition")]
    private partial void LogDeadLetterFailed(string message, string deadLetterTopic, Exception error);
}
