using PerfSecurity.Acl;
using PerfSecurity.Errors;
using PerfSecurity.Native;
using PerfSecurity.Users;

namespace PerfSecurity.DataFiles;

/// <summary>Turns a parsed perf.data header and the file's ownership into a <see cref="DataExposure"/>.</summary>
public static class DataExposureAnalyzer
{
    // Sample fields that carry execution context: registers, addresses, memory (category 4).
    private static readonly string[] Category4Fields =
        { "IP", "CALLCHAIN", "ADDR", "RAW", "BRANCH_STACK", "REGS_USER", "STACK_USER", "REGS_INTR", "PHYS_ADDR", "AUX", "DATA_PAGE_SIZE", "CODE_PAGE_SIZE" };
    // Of those, the ones that copy raw register or memory contents rather than addresses.
    private static readonly string[] MemoryContentFields = { "REGS_USER", "STACK_USER", "REGS_INTR", "RAW", "AUX" };
    // Counter values and execution metrics without attribution to a context (category 3).
    private static readonly string[] Category3Fields = { "READ", "PERIOD", "WEIGHT", "WEIGHT_STRUCT", "TRANSACTION", "DATA_SRC" };
    // Names, ids, times (category 2).
    private static readonly string[] Category2Fields = { "TID", "TIME", "CPU", "CGROUP" };

    private static readonly int[] ConfigFeatures =
    {
        PerfDataFormat.FeatHostname, PerfDataFormat.FeatOsRelease, PerfDataFormat.FeatVersion, PerfDataFormat.FeatArch,
        PerfDataFormat.FeatNrCpus, PerfDataFormat.FeatCpuDesc, PerfDataFormat.FeatCpuId, PerfDataFormat.FeatTotalMem,
        PerfDataFormat.FeatCmdLine, PerfDataFormat.FeatEventDesc, PerfDataFormat.FeatCpuTopology, PerfDataFormat.FeatNumaTopology,
        PerfDataFormat.FeatPmuMappings, PerfDataFormat.FeatGroupDesc, PerfDataFormat.FeatCache, PerfDataFormat.FeatMemTopology,
        PerfDataFormat.FeatClockId, PerfDataFormat.FeatClockData, PerfDataFormat.FeatHybridTopology, PerfDataFormat.FeatCpuPmuCaps,
        PerfDataFormat.FeatPmuCaps,
    };

    /// <summary>Opens, checks and parses one file. Never blocks on FIFOs or devices.</summary>
    public static DataExposure Read(string path, AccountDatabase accounts)
    {
        if (Directory.Exists(path))
            throw new PerfSecurityException("PerfDataPathIsDirectory", FailureKind.InvalidArgument,
                $"'{path}' is a directory; use -Recurse to examine the perf.data files under it.", path);
        FileDescriptor fd;
        FileStatus st;
        try { fd = IO.BoundedFile.Open(path, "PerfData", noFollow: false, out st); }
        catch (PerfSecurityException e) when (e.ErrorId == "PerfDataNotFound" && e.InnerException is SystemCallException sc)
        {
            // One id for every failure to open, as before: the cmdlet reports a missing file itself.
            throw PerfSecurityException.FromSystemCall("PerfDataOpenFailed", sc, e.Message, path);
        }
        catch (PerfSecurityException e) when (e.ErrorId == "PerfDataOpenFailed" && e.Kind == FailureKind.PermissionDenied)
        {
            throw new PerfSecurityException(e.ErrorId, e.Kind,
                e.Message + " Only its owner, its group (if group-readable) and root can read it: run as one of them.", path, e.InnerException);
        }
        // Read at the offsets the header names (pread), never sequentially to an end: no size bound is needed.
        using (fd)
        {
            var header = PerfDataParser.Parse(new FileByteSource(fd, (long)st.Size, path), path);
            return Analyze(path, header, st, accounts, PosixAclFile.Read(fd, path).Acl);
        }
    }

    public static DataExposure Analyze(string path, PerfDataHeader h, FileStatus st, AccountDatabase accounts, PosixAcl? acl = null)
    {
        ulong sampleType = 0;
        foreach (var a in h.Attributes) sampleType |= a.SampleType;
        string[] fields = PerfDataFormat.SampleFields(sampleType).ToArray();
        bool Has(string f) => Array.IndexOf(fields, f) >= 0;
        string[] events = h.Attributes.Select(a => a.DisplayName).Distinct().ToArray();

        var evidence = new SortedDictionary<int, List<string>>();
        void Add(int cat, string why)
        {
            if (!evidence.TryGetValue(cat, out var l)) evidence[cat] = l = new List<string>();
            l.Add(why);
        }

        // 1: system configuration.
        var config = new List<string>();
        if (h.Hostname is not null) config.Add($"hostname '{h.Hostname}'");
        if (h.OsRelease is not null) config.Add($"OS release {h.OsRelease}");
        if (h.PerfVersion is not null) config.Add($"perf version {h.PerfVersion}");
        if (h.CpuDescription is not null) config.Add($"CPU '{h.CpuDescription}'");
        if (h.CpusOnline is not null) config.Add($"{h.CpusOnline} CPUs online");
        if (h.TotalMemoryKB is not null) config.Add($"{h.TotalMemoryKB} kB memory");
        if (h.CmdLine is not null) config.Add($"command line '{h.CmdLine}'");
        var otherConfig = ConfigFeatures.Where(h.Features.Contains)
            .Where(f => f is not (PerfDataFormat.FeatHostname or PerfDataFormat.FeatOsRelease or PerfDataFormat.FeatVersion
                or PerfDataFormat.FeatCpuDesc or PerfDataFormat.FeatNrCpus or PerfDataFormat.FeatTotalMem or PerfDataFormat.FeatCmdLine))
            .Select(PerfDataFormat.FeatureName).ToList();
        if (otherConfig.Count > 0) config.Add("features " + string.Join(", ", otherConfig));
        if (events.Length > 0) config.Add("event configuration " + string.Join(", ", events));
        if (config.Count > 0) Add(1, string.Join("; ", config));

        // 2: paths, load addresses, names, pids, times.
        var f2 = Category2Fields.Where(Has).ToList();
        if (f2.Count > 0) Add(2, "sample fields " + string.Join(", ", f2));
        var sideBand = PerfDataFormat.SideBandFlags.Where(s => h.Attributes.Any(a => a.HasFlag(s.Bit))).Select(s => s.Name).ToList();
        if (sideBand.Count > 0) Add(2, $"side-band records of {string.Join(", ", sideBand)} (process names, pids, mapped paths and load addresses)");
        if (h.SideBandRecords > 0) Add(2, $"{h.SideBandRecords} MMAP/COMM/FORK/EXIT records before the first sample");
        if (h.BuildIdCount > 0)
            Add(2, $"build ids of {h.BuildIdCount} files ({string.Join(", ", h.BuildIdPaths.Take(3))}{(h.BuildIdCount > 3 ? ", ..." : "")})");
        if (h.FirstSampleTime is not null) Add(2, "time of first and last sample");

        // 3: counter values.
        var f3 = Category3Fields.Where(Has).ToList();
        if (f3.Count > 0) Add(3, "sample fields " + string.Join(", ", f3));
        var counting = h.Attributes.Where(a => a.IsCounting).Select(a => a.DisplayName).Distinct().ToList();
        if (counting.Count > 0) Add(3, "counting events " + string.Join(", ", counting));
        if (h.Features.Contains(PerfDataFormat.FeatStat)) Add(3, "perf stat record data (STAT feature)");

        // 4: registers and memory.
        var f4 = Category4Fields.Where(Has).ToList();
        if (f4.Count > 0) Add(4, "sample fields " + string.Join(", ", f4));
        if (h.Features.Contains(PerfDataFormat.FeatAuxtrace)) Add(4, "hardware trace data (AUXTRACE feature)");
        var userStack = h.Attributes.Where(a => (a.SampleType & PerfDataFormat.SampleBit("STACK_USER")) != 0 && a.SampleStackUser > 0)
            .Select(a => a.SampleStackUser).DefaultIfEmpty(0u).Max();
        if (userStack > 0) Add(4, $"up to {userStack} bytes of user stack per sample");

        int[] categories = evidence.Keys.ToArray();
        string[] evidenceLines = evidence.Select(kv => $"{kv.Key}: {string.Join("; ", kv.Value)}").ToArray();

        // Who can read it besides the owner. The kernel gives one class to each user: the owner the owner bits,
        // any other member of the owning group the group bits, everyone else the other bits (acl_permission_check).
        uint perm = st.Permissions;
        bool otherRead = (perm & 0x4) != 0, groupRead = (perm & 0x20) != 0;
        var groupOthers = accounts.GroupMembers(st.Gid).Where(m => m != accounts.UserName(st.Uid)).ToList();
        string group = accounts.GroupName(st.Gid);
        string members = groupOthers.Count > 0 ? string.Join(", ", groupOthers) : "no member besides the owner";
        bool readable = otherRead || groupRead && groupOthers.Count > 0;
        string readableBy = (otherRead, groupRead) switch
        {
            (true, true) => "every user (other-read bit)",
            (true, false) => $"every user except the members of group {group} ({members}), to whom the group bits apply and deny reading",
            (false, true) when groupOthers.Count > 0 => $"group {group} ({members})",
            _ => "owner and root only",
        };
        if (acl is { IsMinimal: false }) (readable, readableBy) = AclReaders(st, acl, accounts);

        bool cat4 = evidence.ContainsKey(4);
        var memory = MemoryContentFields.Where(Has).ToList();
        if (h.Features.Contains(PerfDataFormat.FeatAuxtrace)) memory.Add("AUXTRACE");
        (DataExposureRisk risk, string reason) = (readable, cat4, memory.Count > 0) switch
        {
            (true, true, _) => (DataExposureRisk.High, $"Readable by {readableBy} and holds category 4 data (registers, addresses or memory: {string.Join(", ", f4.Concat(memory).Distinct())}). Run chmod 0600 on it or move it where only its owner can read it."),
            (true, false, _) when categories.Any(c => c is 2 or 3) => (DataExposureRisk.Medium, $"Readable by {readableBy} and holds process names, paths, pids or counter values (categories {string.Join(", ", categories.Where(c => c is 2 or 3))}). Run chmod 0600 on it unless they may see them."),
            (false, _, true) => (DataExposureRisk.Medium, $"Only its owner can read it, but it holds raw register or memory contents ({string.Join(", ", memory)}) that stay sensitive in every copy; delete it when done."),
            _ => (DataExposureRisk.Low, readable ? "Readable by others, but it holds only system configuration (category 1)." : "Only its owner and root can read it."),
        };

        return new DataExposure(path, accounts.UserName(st.Uid), accounts.GroupName(st.Gid), st.Uid, st.Gid, perm,
            SymbolicMode(st.Mode), readable, readableBy, categories, evidenceLines, risk, reason, h.PipeMode,
            h.Hostname, h.OsRelease, h.PerfVersion, h.Architecture, h.CpuDescription, h.CmdLine, events, fields,
            h.Features.Select(PerfDataFormat.FeatureName).ToArray(), h.DataSize, h.BuildIdCount);
    }

    // With named entries the mode no longer tells: each user of the account database is judged as the kernel
    // judges them (AclAccess), and a user of no group the ACL names stands for everyone else.
    private static (bool Readable, string ReadableBy) AclReaders(FileStatus st, PosixAcl acl, AccountDatabase accounts)
    {
        bool Reads(uint uid, IReadOnlyCollection<uint> gids) => AclAccess.Allows(st.Uid, st.Gid, st.Permissions, acl, uid, gids, AclPermissions.Read);
        var users = accounts.Users.Where(u => u.Uid != st.Uid && u.Uid != 0).ToList();
        var readers = users.Where(u => Reads(u.Uid, accounts.GroupsOf(u.Uid))).Select(u => u.Name).ToList();
        bool anyone = Reads(uint.MaxValue - 1, Array.Empty<uint>());
        if (anyone)
        {
            var denied = users.Select(u => u.Name).Except(readers).ToList();
            return (true, denied.Count == 0 ? "every user (POSIX ACL other::r)"
                : $"every user except {string.Join(", ", denied)} (POSIX ACL entries that deny them reading)");
        }
        return readers.Count > 0 ? (true, $"{string.Join(", ", readers)} (POSIX ACL)") : (false, "owner and root only");
    }

    /// <summary>The ls -l form of a mode, with setuid/setgid/sticky.</summary>
    public static string SymbolicMode(uint mode)
    {
        char type = (mode & FileStatus.S_IFMT) switch
        {
            FileStatus.S_IFDIR => 'd',
            FileStatus.S_IFLNK => 'l',
            FileStatus.S_IFCHR => 'c',
            FileStatus.S_IFBLK => 'b',
            FileStatus.S_IFIFO => 'p',
            FileStatus.S_IFSOCK => 's',
            _ => '-',
        };
        var c = new char[10];
        c[0] = type;
        string rwx = "rwx";
        for (int i = 0; i < 9; i++) c[i + 1] = (mode & (1u << (8 - i))) != 0 ? rwx[i % 3] : '-';
        if ((mode & FileStatus.S_ISUID) != 0) c[3] = c[3] == 'x' ? 's' : 'S';
        if ((mode & FileStatus.S_ISGID) != 0) c[6] = c[6] == 'x' ? 's' : 'S';
        if ((mode & FileStatus.S_ISVTX) != 0) c[9] = c[9] == 'x' ? 't' : 'T';
        return new string(c);
    }
}
