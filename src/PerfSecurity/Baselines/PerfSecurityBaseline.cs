using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using PerfSecurity.Acl;
using PerfSecurity.Audit;
using PerfSecurity.Errors;
using PerfSecurity.Groups;
using PerfSecurity.Native;
using PerfSecurity.Resources;
using PerfSecurity.Settings;
using PerfSecurity.Users;

namespace PerfSecurity.Baselines;

/// <summary>
/// The perf security state of a host, as Export-PerfSecurityBaseline writes it to JSON and Compare-PerfSecurityBaseline
/// reads it back. Everything is read through the module's own readers (Settings, the audit's context, the group
/// inspector, the resource budgets), so the baseline sees what the other commands see.
/// </summary>
public sealed record PerfSecurityBaseline(
    string Format,
    string ComputerName,
    DateTime Created,
    string KernelRelease,
    string[]? BinaryPaths,
    IReadOnlyList<BaselineSysctl> Sysctls,
    IReadOnlyList<BaselineBinary> Binaries,
    IReadOnlyList<BaselineGroup> Groups,
    IReadOnlyList<BaselineShell> CapabilityShells,
    IReadOnlyList<BaselineMemlock> MemlockLimits)
{
    public const string CurrentFormat = "PerfSecurity.Baseline/1";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        // The file is read by people and by tools, not embedded in HTML: keep '+', '<' and non-ASCII readable.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// Reads this host's state. <paramref name="binaryPaths"/>: the perf binaries (or directories) to record instead of
    /// those the audit finds on PATH and in the standard directories; the baseline keeps them so that a comparison
    /// looks at the same files.
    /// </summary>
    public static PerfSecurityBaseline Capture(IReadOnlyList<string>? binaryPaths, Action<string>? unreadable = null)
    {
        var context = new AuditContext(binaryPaths, null);
        var sysctls = KernelSettings.GetSysctls()
            .Select(s => new BaselineSysctl(s.Name, s.Value, s.PersistedValue, s.PersistedIn)).ToList();

        var binaries = new List<BaselineBinary>();
        var groupNames = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var b in context.Binaries.OrderBy(b => b.Path, StringComparer.Ordinal))
        {
            BinaryAcl acl = BinaryAcl.Read(b);
            binaries.Add(new BaselineBinary(b.Path, UserNames.Of(b.Status.Uid), b.GroupName, b.ModeText,
                acl.Acl is null ? "" : string.Join(",", acl.Acl.ToNamedText()), b.Capabilities?.Text));
            if (b.Capabilities is null) continue;
            // The groups that guard a capable binary: its own group (unless root's), or the one its ACL grants.
            if (acl.Guard is { Kind: AclGrantKind.Group or AclGrantKind.OwningGroup } g && g.Id != 0 && Accounts.GroupById(g.Id) is { } guard)
                groupNames.Add(guard.Name);
        }

        var shells = new List<BaselineShell>();
        foreach (var r in context.SudoersRules)
        {
            foreach (string g in r.Groups) groupNames.Add(g);
            string? owner = null, mode = null;
            if (r.Script is not null)
            {
                try
                {
                    var st = FileSystem.Stat(r.Script);
                    owner = UserNames.Of(st.Uid);
                    mode = Convert.ToString(st.Permissions, 8).PadLeft(4, '0');
                }
                catch (SystemCallException e) { context.NoteUnreadable(r.Script, Errno.Describe(e.Errno)); }
            }
            shells.Add(new BaselineShell(r.Text, r.File, Sha256(r.File, context), r.Script, r.Script is null ? null : Sha256(r.Script, context), owner, mode));
        }
        if (GroupDatabase.Find(GroupDatabase.DefaultGroupName) is not null) groupNames.Add(GroupDatabase.DefaultGroupName);

        var groups = new List<BaselineGroup>();
        var memlock = new List<BaselineMemlock>();
        var users = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string name in groupNames)
        {
            var g = PerfUsersGroupInspector.Inspect(name, null);
            groups.Add(new BaselineGroup(name, g.Gid, g.Members));
            users.UnionWith(g.Members);
        }
        foreach (string user in users)
        {
            try
            {
                var subject = ResourceBudgets.ForUser(user, null);
                memlock.Add(new BaselineMemlock(user, subject.MemlockLimitBytes is ulong bytes ? bytes / 1024 : null, subject.MemlockSource));
            }
            catch (PerfSecurityException e) { context.NoteUnreadable($"memlock limit of {user}", e.Message); }
        }
        if (unreadable is not null) foreach (string u in context.Unreadable) unreadable(u);

        return new PerfSecurityBaseline(CurrentFormat, Environment.MachineName, DateTime.UtcNow, KernelInfo.Current.Release,
            binaryPaths?.ToArray(), sysctls, binaries, groups, shells, memlock);
    }


    private static string? Sha256(string path, AuditContext context)
    {
        // A sudoers rule may name a script where a user can put a FIFO or /dev/zero: read as every file is, bounded.
        try
        {
            using var stream = IO.BoundedFile.OpenStream(path, IO.BoundedFile.TextLimit, "PerfBaseline", out _);
            return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
        }
        catch (PerfSecurityException e)
        {
            context.NoteUnreadable(path, e.Message);
            return null;
        }
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json) + "\n";

    /// <summary>
    /// Writes the baseline to <paramref name="path"/> whole or not at all, mode 0644, owned by the caller. As root the
    /// path is walked like every file root changes (a directory another user controls is refused: root must not write
    /// through a name someone else can redirect); a user writes where their own permissions let them.
    /// </summary>
    public void WriteFile(string path)
    {
        try { Write(path, ToJson()); }
        catch (SystemCallException e)
        {
            throw PerfSecurityException.FromSystemCall("PerfBaselineWriteFailed", e, $"Cannot write the baseline to '{path}': {Errno.Describe(e.Errno)}.", path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PerfSecurityException("PerfBaselineWriteFailed", e is UnauthorizedAccessException ? FailureKind.PermissionDenied : FailureKind.WriteError,
                $"Cannot write the baseline to '{path}': {e.Message}", path, e);
        }
    }

    private static void Write(string path, string json)
    {
        uint uid = FileSystem.GetEffectiveUserId();
        if (uid == 0)
        {
            IO.AtomicFile.Write(path, json, "PerfBaseline", 0x1A4 /* 0644 */, 0, FileSystem.GetEffectiveGroupId());
            return;
        }
        string full = System.IO.Path.GetFullPath(path);
        string temp = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(full) ?? "/", $".{System.IO.Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            // O_EXCL|O_NOFOLLOW: never through a link planted under the temporary name.
            using (var fd = FileSystem.Open(temp, FileSystem.O_WRONLY | FileSystem.O_CREAT | FileSystem.O_EXCL | FileSystem.O_NOFOLLOW, 0x1A4 /* 0644 */))
            {
                FileSystem.WriteAll(fd, System.Text.Encoding.UTF8.GetBytes(json), temp);
                FileSystem.FSync(fd, temp);
            }
            FileSystem.Rename(temp, full);
        }
        finally { if (File.Exists(temp)) File.Delete(temp); }
    }

    /// <summary>The largest baseline file read (one of a host with thousands of capable files is a few MB).</summary>
    public const long MaxFileBytes = 64L << 20;

    /// <summary>Reads a baseline file: a regular file of at most <see cref="MaxFileBytes"/> (a FIFO or a device is refused unread).</summary>
    public static PerfSecurityBaseline ReadFile(string path)
        => FromJson(IO.BoundedFile.ReadAllText(path, MaxFileBytes, "PerfBaseline"), path);

    /// <summary>Reads a baseline written by Export-PerfSecurityBaseline; PerfBaselineInvalid when it is not one.</summary>
    public static PerfSecurityBaseline FromJson(string json, string source)
    {
        PerfSecurityBaseline? b;
        try { b = JsonSerializer.Deserialize<PerfSecurityBaseline>(json, Json); }
        catch (JsonException e)
        {
            throw new PerfSecurityException("PerfBaselineInvalid", FailureKind.InvalidData,
                $"'{source}' is not a baseline of Export-PerfSecurityBaseline: {e.Message}", source, e);
        }
        if (b is null || b.Format != CurrentFormat || b.Sysctls is null || b.Binaries is null || b.Groups is null || b.CapabilityShells is null || b.MemlockLimits is null)
            throw new PerfSecurityException("PerfBaselineInvalid", FailureKind.InvalidData,
                $"'{source}' is not a baseline of Export-PerfSecurityBaseline (expected \"Format\": \"{CurrentFormat}\" and the sections Sysctls, Binaries, Groups, CapabilityShells, MemlockLimits). Write one with Export-PerfSecurityBaseline -Path.",
                source);
        return b;
    }
}
