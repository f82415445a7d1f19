using System.Runtime.InteropServices;

namespace PerfSecurity.Native;

/// <summary>prctl for the capability state of the calling thread.</summary>
public static partial class CapabilityControl
{
    private const int PR_CAPBSET_READ = 23;
    private const int PR_GET_SECUREBITS = 27;

    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    private static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    /// <summary>The calling thread's secure bits (SECBIT_*).</summary>
    public static int GetSecureBits()
    {
        int r = Prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);
        if (r < 0) throw new SystemCallException("prctl(PR_GET_SECUREBITS)", Errno.Last);
        return r;
    }

    /// <summary>Whether the kernel knows capability <paramref name="cap"/> (EINVAL for numbers beyond its last one).</summary>
    public static bool KernelKnows(int cap) => Prctl(PR_CAPBSET_READ, (nuint)cap, 0, 0, 0) >= 0;
}
