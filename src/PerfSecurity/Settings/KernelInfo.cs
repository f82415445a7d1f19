using System.Globalization;
using System.IO.Compression;
using System.Text.RegularExpressions;

namespace PerfSecurity.Settings;

/// <summary>The running kernel: release, version and the paranoid flavour.</summary>
public sealed partial class KernelInfo
{
    public KernelInfo(string release, Version version, KernelFlavor flavor, string? configSource)
    {
        Release = release;
        Version = version;
        Flavor = flavor;
        ConfigSource = configSource;
    }

    public string Release { get; }
    public Version Version { get; }
    public KernelFlavor Flavor { get; }
    /// <summary>The kernel config the flavour was read from, or null when none could be read (mainline assumed).</summary>
    public string? ConfigSource { get; }

    /// <summary>CAP_PERFMON exists from 5.8 on.</summary>
    public bool HasCapPerfmon => Version >= new Version(5, 8);
    /// <summary>Before 5.9 monitoring another task needed the ptrace check (CAP_SYS_PTRACE) as well.</summary>
    public bool NeedsPtraceForOtherTasks => Version < new Version(5, 9);

    private static KernelInfo? s_current;

    /// <summary>The running kernel, read once per process.</summary>
    public static KernelInfo Current => s_current ??= Detect("/");

    /// <summary>Reads the kernel at <paramref name="root"/> (normally /).</summary>
    public static KernelInfo Detect(string root)
    {
        string release = ReadFirstLine(Path.Combine(root, "proc/sys/kernel/osrelease")) ?? Environment.OSVersion.Version.ToString();
        string? signature = ReadFirstLine(Path.Combine(root, "proc/version_signature"));
        string? configPath = null;
        string? config = null;
        foreach (string candidate in new[] { Path.Combine(root, "boot", "config-" + release), Path.Combine(root, "proc/config.gz") })
        {
            config = ReadConfig(candidate);
            if (config is not null) { configPath = candidate; break; }
        }
        return new KernelInfo(release, ParseVersion(release), FlavorFromConfig(config, signature), configPath);
    }

    /// <summary>
    /// The flavour from a kernel config text: the restrict patch is present when
    /// CONFIG_SECURITY_PERF_EVENTS_RESTRICT=y; Ubuntu's threshold (4) is told from Debian's (3)
    /// by /proc/version_signature, which only Ubuntu kernels have.
    /// </summary>
    public static KernelFlavor FlavorFromConfig(string? config, string? versionSignature)
    {
        if (config is null || !RestrictOption().IsMatch(config)) return KernelFlavor.Mainline;
        return versionSignature is not null && versionSignature.Contains("Ubuntu", StringComparison.OrdinalIgnoreCase)
            ? KernelFlavor.Ubuntu
            : KernelFlavor.Debian;
    }

    public static Version ParseVersion(string release)
    {
        Match m = VersionPrefix().Match(release);
        return m.Success
            ? new Version(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), m.Groups[3].Success ? int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) : 0)
            : new Version(0, 0);
    }

    private static string? ReadConfig(string path)
    {
        try
        {
            byte[] raw = IO.BoundedFile.ReadAllBytes(path, IO.BoundedFile.TextLimit);
            if (!path.EndsWith(".gz", StringComparison.Ordinal)) return IO.BoundedFile.Decode(raw);
            // A kernel config is a few hundred KiB: a bigger one after decompression is not one.
            using var gzip = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
            var text = new MemoryStream();
            var buffer = new byte[81920];
            for (int n; (n = gzip.Read(buffer)) > 0;)
            {
                if (text.Length + n > IO.BoundedFile.TextLimit) return null;
                text.Write(buffer, 0, n);
            }
            return IO.BoundedFile.Decode(text.ToArray());
        }
        catch (Errors.PerfSecurityException) { return null; }
        catch (InvalidDataException) { return null; }
    }

    private static string? ReadFirstLine(string path)
    {
        return IO.BoundedFile.TryReadAllText(path, IO.BoundedFile.KernelValueLimit)?.Split('\n')[0].Trim();
    }

    [GeneratedRegex(@"^CONFIG_SECURITY_PERF_EVENTS_RESTRICT=y\s*$", RegexOptions.Multiline)]
    private static partial Regex RestrictOption();

    [GeneratedRegex(@"^(\d+)\.(\d+)(?:\.(\d+))?")]
    private static partial Regex VersionPrefix();
}
