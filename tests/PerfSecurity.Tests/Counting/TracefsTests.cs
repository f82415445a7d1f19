using PerfSecurity.Counting;
using Xunit;

namespace PerfSecurity.Tests.Counting;

public sealed class TracefsTests
{
    [Fact]
    public void Mount_points_of_a_type_come_in_the_order_of_proc_mounts_with_octal_escapes_undone()
    {
        string[] lines =
        {
            "sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0",
            "none /mnt/trace\\040one tracefs rw,relatime 0 0",
            "debugfs /sys/kernel/debug debugfs rw,relatime 0 0",
            "tracefs /srv/a\\011b\\134c\\012d tracefs rw 0 0",
            "tracefs-like /x tracefsx rw 0 0",
            "short tracefs",
        };
        Assert.Equal(new[] { "/mnt/trace one", "/srv/a\tb\\c\nd" }, Tracefs.MountPointsOf("tracefs", lines));
        Assert.Equal(new[] { "/sys/kernel/debug" }, Tracefs.MountPointsOf("debugfs", lines));
    }
}
