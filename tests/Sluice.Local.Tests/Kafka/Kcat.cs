namespace Sluice.Local.Tests.Kafka;

/// <summary>Finds Debian's kcat (formerly kafkacat), an independent Kafka client.</summary>
internal static class Kcat
{
    public static string Locate()
    {
        foreach (var candidate in new[] { "/usr/bin/kcat", "/usr/bin/kafkacat", "/usr/local/bin/kcat" })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new InvalidOperationException("kcat is not installed: run ./test.sh, which installs the Debian package 'kcat'.");
    }
}
