
namespace PerfSecurity.Counting;

/// <summary>One line of /proc/self/mountinfo (proc(5)): the device, the root of the mount, where it is, what it is.</summary>
public sealed record MountEntry(ulong Device, string Root, string MountPoint, string FileSystemType, string[] SuperOptions);
