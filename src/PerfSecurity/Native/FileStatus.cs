namespace PerfSecurity.Native;

/// <summary>What statx says of a file; SpecialDevice is the major:minor of a device node (major in the high half).</summary>
public readonly record struct FileStatus(uint Mode, uint Uid, uint Gid, ulong Size, uint LinkCount, ulong Inode, ulong Device, ulong SpecialDevice = 0)
{
    public const uint S_IFMT = 0xF000, S_IFREG = 0x8000, S_IFDIR = 0x4000, S_IFLNK = 0xA000;
    public const uint S_IFIFO = 0x1000, S_IFCHR = 0x2000, S_IFBLK = 0x6000, S_IFSOCK = 0xC000;
    /// <summary>Set-user-ID, set-group-ID and sticky bits (sys/stat.h).</summary>
    public const uint S_ISUID = 0x800, S_ISGID = 0x400, S_ISVTX = 0x200;
    /// <summary>Read, write and execute bits of owner, group and others (sys/stat.h).</summary>
    public const uint S_IRUSR = 0x100, S_IWUSR = 0x80, S_IXUSR = 0x40, S_IRGRP = 0x20, S_IWGRP = 0x10, S_IXGRP = 0x8, S_IROTH = 0x4, S_IWOTH = 0x2, S_IXOTH = 0x1;
    /// <summary>Every permission of others (o=rwx).</summary>
    public const uint S_IRWXO = S_IROTH | S_IWOTH | S_IXOTH;
    /// <summary>An execute bit for anyone: what the kernel wants of a file before it runs it (even for root).</summary>
    public const uint AnyExecute = S_IXUSR | S_IXGRP | S_IXOTH;
    /// <summary>Write permission of the group or others: someone besides the owner can change the file.</summary>
    public const uint GroupOrOtherWrite = S_IWGRP | S_IWOTH;
    /// <summary>The nine permission bits (0777), without set-ID and sticky bits.</summary>
    public const uint PermissionBits = 0x1FF;
    public bool IsRegularFile => (Mode & S_IFMT) == S_IFREG;
    /// <summary>The character device 1:3, /dev/null: reads as empty (the usual way to mask a configuration file).</summary>
    public bool IsNullDevice => (Mode & S_IFMT) == S_IFCHR && SpecialDevice == (1UL << 32 | 3);
    public bool IsDirectory => (Mode & S_IFMT) == S_IFDIR;
    public bool IsSymbolicLink => (Mode & S_IFMT) == S_IFLNK;
    /// <summary>Permission bits including setuid/setgid/sticky (07777).</summary>
    public uint Permissions => Mode & 0xFFF;
}
