using PerfSecurity.IO;

namespace PerfSecurity.Audit;

/// <summary>Comments out lines of a sysctl file, keeping everything else byte for byte; atomic, owner and mode kept.</summary>
public static class SysctlFileEditor
{
    public static void CommentOut(string path, IReadOnlyCollection<int> lineNumbers)
    {
        // A link (99-sysctl.conf → ../sysctl.conf) must stay a link: edit its target.
        path = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
        string text = BoundedFile.ReadAllText(path, BoundedFile.TextLimit, "PerfSysctlFile");
        string[] lines = text.Split('\n');
        foreach (int n in lineNumbers)
            if (n >= 1 && n <= lines.Length && !lines[n - 1].TrimStart().StartsWith('#')) lines[n - 1] = "# " + lines[n - 1];
        var st = Native.FileSystem.Stat(path);
        AtomicFile.Write(path, string.Join('\n', lines), "PerfSysctl", st.Permissions, st.Uid, st.Gid);
    }
}
