using PerfSecurity.DataFiles;
using PerfSecurity.Errors;
using PerfSecurity.Native;
using PerfSecurity.Users;

namespace PerfSecurity.Audit;

/// <summary>
/// A perf.data file found under -DataPath, with what Get-PerfDataExposure's analyzer says of it (null when the header
/// could not be parsed: the mode still decides whether others can read it).
/// </summary>
public sealed record PerfDataFile(string Path, FileStatus Status, DataExposure? Exposure)
{
    public bool ReadableByOthers => Exposure?.ReadableByOthers ?? (Status.Permissions & 0x4) != 0;
    public string ModeText => Convert.ToString(Status.Permissions, 8).PadLeft(4, '0');

    /// <summary>"categories 1,2,3 (events cpu-clock)" for the finding's text.</summary>
    public string Describe()
        => Exposure is null ? $"mode {ModeText}, owner {Status.Uid}"
            : $"mode {ModeText}, owner {Exposure.Owner}, data categories {string.Join(",", Exposure.Categories)}"
              + (Exposure.Events.Length > 0 ? $", events {string.Join(",", Exposure.Events)}" : "");

    public static IReadOnlyList<PerfDataFile> Scan(IEnumerable<string> roots, AuditContext context)
    {
        var found = new List<PerfDataFile>();
        var accounts = AccountDatabase.Load();
        int seen = 0;
        foreach (string root in roots)
        {
            IEnumerable<string> files;
            if (File.Exists(root)) files = new[] { root };
            else if (Directory.Exists(root)) files = PerfDataFiles.Enumerate(root);
            else { context.NoteUnreadable(root, "no such file or directory"); continue; }
            foreach (string file in files)
            {
                context.Token.ThrowIfCancellationRequested();
                if (++seen % 200 == 0) context.Progress("Scanning for perf.data files", $"{seen} files, {found.Count} perf.data: {file}", -1);
                if (!PerfDataFiles.HasPerfMagic(file)) continue;
                FileStatus st;
                try { st = FileSystem.Stat(file, followLinks: false); }
                catch (SystemCallException) { continue; }
                DataExposure? exposure = null;
                try { exposure = DataExposureAnalyzer.Read(file, accounts); }
                catch (PerfSecurityException e) when (e.Kind == FailureKind.PermissionDenied) { context.NoteUnreadable(file, e.Message); continue; }
                catch (PerfSecurityException) { } // a damaged header: judged by its mode alone
                found.Add(new PerfDataFile(file, st, exposure));
            }
        }
        context.Progress("Scanning for perf.data files", $"{seen} files, {found.Count} perf.data", 100);
        return found;
    }
}
