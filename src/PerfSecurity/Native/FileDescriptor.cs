using System.Runtime.InteropServices;

namespace PerfSecurity.Native;

/// <summary>An owned file descriptor, closed exactly once.</summary>
public sealed class FileDescriptor : SafeHandle
{
    public FileDescriptor() : base(new IntPtr(-1), ownsHandle: true) { }

    public FileDescriptor(int fd) : base(new IntPtr(-1), ownsHandle: true) => SetHandle(new IntPtr(fd));

    public override bool IsInvalid => handle.ToInt64() < 0;

    /// <summary>The raw descriptor, for system calls made while this handle is alive.</summary>
    public int Value => IsClosed ? -1 : (int)handle.ToInt64();

    protected override bool ReleaseHandle() => FileSystem.Close((int)handle.ToInt64()) == 0;
}
