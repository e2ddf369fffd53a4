using System.Globalization;
using System.Text.RegularExpressions;
using Sluice.Scheduler.State.Model;

namespace Sluice.Scheduler.Offers;

/// <summary>
/// Decides whether a task fits an offer: resources, then Marathon-style constraints against the
/// tasks of the same consumer already placed. A pure function; the scheduler declines the offer
/// with the reason when it does not fit.
/// </summary>
internal static class Placement
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);

    /// <param name="offer">What is offered (minus what earlier tasks in this round already took).</param>
    /// <param name="need">The task's resources plus its executor's.</param>
    /// <param name="constraints">The consumer's placement constraints.</param>
    /// <param name="placed">The offers (hosts and attributes) where the consumer's live tasks run.</param>
    /// <returns>Null when the task fits; the first reason it does not otherwise.</returns>
    public static DeclineReason? Check(OfferView offer, TaskResources need, IReadOnlyList<PlacementConstraint> constraints, IReadOnlyList<OfferView> placed)
    {
        if (offer.Cpus + 1e-9 < need.Cpus)
        {
            return DeclineReason.NotEnoughCpus;
        }
        if (offer.MemoryMb + 1e-9 < need.MemoryMb)
        {
            return DeclineReason.NotEnoughMemory;
        }
        if (offer.DiskMb + 1e-9 < need.DiskMb)
        {
            return DeclineReason.NotEnoughDisk;
        }
        foreach (var constraint in constraints)
        {
            if (Check(offer, constraint, placed) is { } reason)
            {
                return reason;
            }
        }
        return null;
    }

    private static DeclineReason? Check(OfferView offer, PlacementConstraint constraint, IReadOnlyList<OfferView> placed)
    {
        var value = offer.Field(constraint.Field);
        switch (constraint.Operator)
        {
            case ConstraintOperator.Unique:
                if (value is null)
                {
                    return DeclineReason.AttributeMissing;
                }
                return placed.Any(p => p.Field(constraint.Field) == value)
                    ? constraint.Field == "hostname" ? DeclineReason.HostnameNotUnique : DeclineReason.MaxPerReached
                    : null;
            case ConstraintOperator.Cluster:
                if (value is null)
                {
                    return DeclineReason.AttributeMissing;
                }
                // Without a value, CLUSTER pins every task to wherever the first one landed.
                var cluster = constraint.Value ?? placed.Select(p => p.Field(constraint.Field)).FirstOrDefault(v => v is not null);
                return cluster is null || cluster == value ? null : DeclineReason.AttributeNotInCluster;
            case ConstraintOperator.Like:
                if (value is null)
                {
                    return DeclineReason.AttributeMissing;
                }
                return FullMatch(value, constraint.Value) ? null : DeclineReason.AttributeNotLike;
            case ConstraintOperator.Unlike:
                return value is not null && FullMatch(value, constraint.Value) ? DeclineReason.AttributeLike : null;
            case ConstraintOperator.MaxPer:
                if (value is null)
                {
                    return DeclineReason.AttributeMissing;
                }
                var max = int.Parse(constraint.Value ?? "1", CultureInfo.InvariantCulture);
                return placed.Count(p => p.Field(constraint.Field) == value) >= max ? DeclineReason.MaxPerReached : null;
            case ConstraintOperator.GroupBy:
                if (value is null)
                {
                    return DeclineReason.AttributeMissing;
                }
                // Spread evenly: accept only where the group has no more tasks than the emptiest group
                // seen so far (groups known from placed tasks, plus this one). With an expected group
                // count as the value, unseen groups count as empty.
                var counts = placed.Select(p => p.Field(constraint.Field)).Where(v => v is not null)
                    .GroupBy(v => v!).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
                var here = counts.GetValueOrDefault(value);
                var expectedGroups = int.TryParse(constraint.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;
                var fewest = counts.Count < expectedGroups || !counts.ContainsKey(value) ? 0 : counts.Values.DefaultIfEmpty(0).Min();
                return here > fewest ? DeclineReason.GroupByUnbalanced : null;
            default:
                return null;
        }
    }

    /// <summary>Marathon's LIKE/UNLIKE: the whole value must match the regular expression.</summary>
    private static bool FullMatch(string value, string? pattern)
    {
        if (string.IsNullOrEmpty(pattern))
        {
            return false;
        }
        try
        {
            return Regex.IsMatch(value, $"^(?:{pattern})$", RegexOptions.CultureInvariant, RegexTimeout);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}
