using System.Globalization;
using System.Text;

namespace PerfSecurity.Counting;

/// <summary>One line of /proc/self/mountinfo (proc(5)): the device, the root of the mount, where it is, what it is.</summary>
public sealed record MountEntry(ulong Device, string Root, string MountPoint, string FileSystemType, string[] SuperOptions);

/// <summary>The mounts of this process's mount namespace, read from /proc/self/mountinfo.</summary>
public static class MountTable
{
    public const string DefaultPath = "/proc/self/mountinfo";

    public static IReadOnlyList<MountEntry> Read(string path = DefaultPath)
    {
        var mounts = new List<MountEntry>();
        foreach (string line in File.ReadLines(path))
        {
            if (Parse(line) is { } m) mounts.Add(m);
        }
        return mounts;
    }

    /// <summary>
    /// "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue": id, parent, major:minor,
    /// root, mount point, options, optional fields up to "-", then type, source and super options. Null for a line
    /// that does not have that shape.
    /// </summary>
    public static MountEntry? Parse(string line)
    {
        string[] f = line.Split(' ');
        int dash = f.Length < 10 ? -1 : Array.IndexOf(f, "-", 6);
        if (dash < 0 || dash + 3 >= f.Length) return null;
        string[] dev = f[2].Split(':');
        if (dev.Length != 2
            || !uint.TryParse(dev[0], NumberStyles.None, CultureInfo.InvariantCulture, out uint major)
            || !uint.TryParse(dev[1], NumberStyles.None, CultureInfo.InvariantCulture, out uint minor))
            return null;
        return new MountEntry(((ulong)major << 32) | minor, Unescape(f[3]), Unescape(f[4]), Unescape(f[dash + 1]),
            f[dash + 3].Split(',', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>The kernel writes space, tab, newline and backslash in paths as \ooo octal escapes.</summary>
    public static string Unescape(string s)
    {
        if (!s.Contains('\\', StringComparison.Ordinal)) return s;
        var bytes = new List<byte>(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && IsOctal(s, i + 1))
            {
                bytes.Add((byte)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0')));
                i += 3;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(s[i].ToString()));
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static bool IsOctal(string s, int at)
        => at + 2 < s.Length && s[at] is >= '0' and <= '3' && s[at + 1] is >= '0' and <= '7' && s[at + 2] is >= '0' and <= '7';
}
