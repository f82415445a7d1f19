using System.Globalization;
using PerfSecurity.Native;

namespace PerfSecurity.Capabilities;

/// <summary>Reads process capabilities from /proc.</summary>
public static class ProcessCapabilities
{
    /// <summary>Parses a status file's text; unknown lines are ignored, missing capability lines read as empty.</summary>
    public static ProcessStatus ParseStatus(int pid, string text)
    {
        string name = "";
        int ppid = 0, seccomp = 0;
        uint uid = 0, euid = 0;
        ulong inh = 0, prm = 0, eff = 0, bnd = 0, amb = 0;
        bool nnp = false, kthread = false, zombie = false;
        foreach (string line in text.Split('\n'))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0) continue;
            string key = line[..colon];
            string value = line[(colon + 1)..].Trim();
            switch (key)
            {
                case "Name": name = line[(colon + 1)..].TrimStart('\t', ' ').TrimEnd('\r'); break;
                case "PPid": int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out ppid); break;
                case "Uid":
                    var ids = value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                    if (ids.Length > 0) uint.TryParse(ids[0], NumberStyles.None, CultureInfo.InvariantCulture, out uid);
                    if (ids.Length > 1) uint.TryParse(ids[1], NumberStyles.None, CultureInfo.InvariantCulture, out euid);
                    break;
                case "CapInh": inh = Hex(value); break;
                case "CapPrm": prm = Hex(value); break;
                case "CapEff": eff = Hex(value); break;
                case "CapBnd": bnd = Hex(value); break;
                case "CapAmb": amb = Hex(value); break;
                case "NoNewPrivs": nnp = value == "1"; break;
                case "Seccomp": int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out seccomp); break;
                case "Kthread": kthread = value == "1"; break;
                case "State": zombie = value.StartsWith('Z'); break;
            }
        }
        return new ProcessStatus(pid, ppid, name, uid, euid, new(inh), new(prm), new(eff), new(bnd), new(amb), nnp, seccomp, kthread, zombie);
    }

    // Old kernels print two 8-digit words; spaces are dropped either way.
    private static ulong Hex(string value)
        => ulong.TryParse(value.Replace(" ", "", StringComparison.Ordinal), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong v) ? v : 0;

    /// <summary>
    /// A process's status, or null when it has gone or its /proc entry is hidden (hidepid). When the leader is a
    /// zombie while other threads still run, the credentials are those of the first live thread (lowest id),
    /// since the kernel checks the calling thread's credentials and the dead leader's no longer act.
    /// </summary>
    public static ProcessStatus? Read(int pid, string procRoot = "/proc")
    {
        string dir = Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture));
        string text;
        try { text = ReadSmallFile(Path.Combine(dir, "status")); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SystemCallException) { return null; }
        var status = ParseStatus(pid, text);
        // Kernel threads have no mm; before the Kthread line existed, their parent is kthreadd (2) or they are kthreadd.
        if (!status.IsKernelThread && (pid == 2 || status.ParentId == 2) && !text.Contains("VmSize:", StringComparison.Ordinal))
            status = status with { IsKernelThread = true };
        if (status.IsZombie && LiveThread(dir, pid) is { } thread)
            status = thread with { ProcessId = pid, ParentId = status.ParentId, Name = status.Name, IsKernelThread = status.IsKernelThread };
        return status;
    }

    // The first thread of the group, other than the leader, that is not a zombie itself.
    private static ProcessStatus? LiveThread(string processDir, int leader)
    {
        var tids = new List<int>();
        try
        {
            foreach (string d in Directory.EnumerateDirectories(Path.Combine(processDir, "task")))
                if (int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out int tid) && tid != leader) tids.Add(tid);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        tids.Sort();
        foreach (int tid in tids)
        {
            string text;
            try { text = ReadSmallFile(Path.Combine(processDir, "task", tid.ToString(CultureInfo.InvariantCulture), "status")); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or SystemCallException) { continue; } // exited meanwhile
            var thread = ParseStatus(tid, text);
            if (!thread.IsZombie) return thread with { ThreadId = tid };
        }
        return null;
    }

    [ThreadStatic] private static byte[]? s_readBuffer;

    // One open and read into a reused buffer: /proc status files are a few KB, and File.ReadAllText's stream and
    // reader cost more than the read itself when every process is listed.
    private static string ReadSmallFile(string path)
    {
        byte[] buffer = s_readBuffer ??= new byte[16 * 1024];
        using FileDescriptor fd = FileSystem.Open(path, FileSystem.O_RDONLY);
        int length = 0;
        while (true)
        {
            if (length == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
            int n = FileSystem.Read(fd, buffer.AsSpan(length));
            if (n == 0) break;
            length += n;
        }
        s_readBuffer = buffer;
        return System.Text.Encoding.UTF8.GetString(buffer, 0, length);
    }

    /// <summary>The process ids in /proc, ascending.</summary>
    public static IEnumerable<int> ProcessIds(string procRoot = "/proc")
    {
        var ids = new List<int>();
        foreach (string dir in Directory.EnumerateDirectories(procRoot))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) ids.Add(pid);
        }
        ids.Sort();
        return ids;
    }

    /// <summary>The calling thread's secure bits.</summary>
    public static SecureBits CurrentSecureBits() => (SecureBits)CapabilityControl.GetSecureBits();
}
