namespace Sluice.Scheduler.Handover;

/// <summary>The ledger changed under a handover (another leader or handover won); the handover stops.</summary>
public sealed class OwnershipConflictException(string message) : Exception(message);
