using PerfSecurity.Settings;
using Xunit;

namespace PerfSecurity.Tests.Settings;

public sealed class ParanoidLevelTests
{
    [Theory]
    //                   level flavor               user   kernel cpu    raw    mlock  denied
    [InlineData(-5, KernelFlavor.Mainline, true, true, true, true, false, false)]
    [InlineData(-1, KernelFlavor.Mainline, true, true, true, true, false, false)]
    [InlineData(0, KernelFlavor.Mainline, true, true, true, false, true, false)]
    [InlineData(1, KernelFlavor.Mainline, true, true, false, false, true, false)]
    [InlineData(2, KernelFlavor.Mainline, true, false, false, false, true, false)]
    [InlineData(3, KernelFlavor.Mainline, true, false, false, false, true, false)]
    [InlineData(100, KernelFlavor.Mainline, true, false, false, false, true, false)]
    [InlineData(2, KernelFlavor.Debian, true, false, false, false, true, false)]
    [InlineData(3, KernelFlavor.Debian, false, false, false, false, true, true)]
    [InlineData(3, KernelFlavor.Ubuntu, true, false, false, false, true, false)]
    [InlineData(4, KernelFlavor.Ubuntu, false, false, false, false, true, true)]
    public void Permissions_follow_the_kernel_gates(int level, KernelFlavor flavor,
        bool user, bool kernel, bool cpu, bool raw, bool mlock, bool denied)
    {
        var p = ParanoidLevel.Permissions(level, flavor);
        Assert.Equal(new ParanoidPermissions(user, kernel, cpu, raw, mlock, denied), p);
    }

    [Theory]
    [InlineData(KernelFlavor.Mainline, 2)]
    [InlineData(KernelFlavor.Debian, 3)]
    [InlineData(KernelFlavor.Ubuntu, 4)]
    public void Boot_default_depends_on_flavor(KernelFlavor flavor, int expected)
        => Assert.Equal(expected, ParanoidLevel.BootDefault(flavor));

    [Theory]
    [InlineData("mainline.config", null, KernelFlavor.Mainline)]
    [InlineData("restrict.config", null, KernelFlavor.Debian)]
    [InlineData("restrict.config", "Ubuntu 6.8.0-45.45-generic 6.8.12", KernelFlavor.Ubuntu)]
    [InlineData("mainline.config", "Ubuntu 6.8.0-45.45-generic 6.8.12", KernelFlavor.Mainline)]
    public void Flavor_from_kernel_config(string fixture, string? signature, KernelFlavor expected)
    {
        string config = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures/kernel-configs", fixture));
        Assert.Equal(expected, KernelInfo.FlavorFromConfig(config, signature));
    }

    [Fact]
    public void Flavor_detection_reads_boot_config_and_gzipped_proc_config()
    {
        string root = Directory.CreateTempSubdirectory("kernel-root").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "proc/sys/kernel"));
            File.WriteAllText(Path.Combine(root, "proc/sys/kernel/osrelease"), "6.1.0-18-amd64\n");
            Assert.Equal(KernelFlavor.Mainline, KernelInfo.Detect(root).Flavor);

            using (var gz = new System.IO.Compression.GZipStream(File.Create(Path.Combine(root, "proc/config.gz")), System.IO.Compression.CompressionLevel.Fastest))
                gz.Write("CONFIG_SECURITY_PERF_EVENTS_RESTRICT=y\n"u8);
            var k = KernelInfo.Detect(root);
            Assert.Equal(KernelFlavor.Debian, k.Flavor);
            Assert.Equal(new Version(6, 1, 0), k.Version);

            Directory.CreateDirectory(Path.Combine(root, "boot"));
            File.WriteAllText(Path.Combine(root, "boot/config-6.1.0-18-amd64"), "# CONFIG_SECURITY_PERF_EVENTS_RESTRICT is not set\n");
            Assert.Equal(KernelFlavor.Mainline, KernelInfo.Detect(root).Flavor);
        }
        finally { Directory.Delete(root, recursive: true); }
    }

    [Theory]
    [InlineData("6.18.44-fc-v595", 6, 18, 44)]
    [InlineData("5.8.0-rc1", 5, 8, 0)]
    [InlineData("4.19", 4, 19, 0)]
    public void Parses_kernel_versions(string release, int major, int minor, int build)
        => Assert.Equal(new Version(major, minor, build), KernelInfo.ParseVersion(release));
}
