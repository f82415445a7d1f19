using System.Globalization;
using System.Text;
using PerfSecurity.Capabilities;
using PerfSecurity.Errors;
using PerfSecurity.IO;
using PerfSecurity.Native;
using PerfSecurity.Text;
using PerfSecurity.Users;

namespace PerfSecurity.Groups;

/// <summary>
/// The kernel document's privileged environment: a root-owned script that makes capsh raise the capabilities
/// into the ambient set, lock the secure bits (239) and become the sudo caller; and a sudoers drop-in that lets
/// one group run it. The drop-in is checked with visudo -cf before it is moved into place.
/// </summary>
public static class CapabilityShell
{
    public const string DefaultPath = "/usr/local/bin/perf-shell";
    public const string DefaultSudoersPath = "/etc/sudoers.d/perf-shell";
    public const int SecureBits = 239;
    /// <summary>The second line of every script this module writes; Remove-PerfCapabilityShell looks for it.</summary>
    public const string Marker = "# perf capability shell written by New-PerfCapabilityShell (PerfSecurity).";

    private const uint ScriptMode = 0x1ED; // 0755
    private const uint SudoersMode = 0x120; // 0440

    /// <summary>
    /// capsh's real path, walked like any path this module trusts (root's links followed): the script names the
    /// program that runs as root, which must be root's on a path only root can change.
    /// </summary>
    public static string LocateCapsh()
    {
        string found = ExternalTool.Find("capsh") ?? throw new PerfSecurityException("PerfCapabilityShellCapshNotInstalled", FailureKind.NotInstalled,
            "capsh is not installed. Install the 'libcap2-bin' package (Debian/Ubuntu) or 'libcap' (Fedora).", "capsh");
        if (SecurePath.FindWeakness(found, PathOptions.FollowFinalLink, out string? real) is { } weakness)
            throw new PerfSecurityException("PerfCapabilityShellUntrustedPath", FailureKind.SecurityError,
                $"{weakness}: the capsh the script would run as root could be replaced by someone other than root. Reinstall it from the distribution's package.", found);
        return real!;
    }

    public static string Iab(CapabilitySet caps) => string.Join(",", caps.Names().Select(n => "^" + n));

    /// <summary>
    /// The script. "$SUDO_USER" is quoted so that the shell passes it as one word, unexpanded further; an empty
    /// value (the script run without sudo) stops before capsh instead of asking capsh for user "".
    /// Arguments after the script name reach the login shell (bash -l "$@"), so `sudo perf-shell -c cmd` works.
    /// </summary>
    public static string ScriptText(string capshPath, CapabilitySet caps)
        => "#!/bin/sh\n"
         + Marker + "\n"
         + "if [ -z \"${SUDO_USER:-}\" ]; then echo \"$0: run this through sudo\" >&2; exit 1; fi\n"
         + string.Create(CultureInfo.InvariantCulture, $"exec {capshPath} --iab={Iab(caps)} --secbits={SecureBits} --user=\"$SUDO_USER\" -- -l \"$@\"\n");

    public static string SudoersRule(string group, string scriptPath, bool noPassword)
        => $"%{group} ALL=(root) {(noPassword ? "NOPASSWD: " : "")}{scriptPath}";

    public static string SudoersText(string group, string scriptPath, bool noPassword)
        => $"# Members of {group} may open the perf capability shell ({scriptPath}). Written by New-PerfCapabilityShell.\n"
         + SudoersRule(group, scriptPath, noPassword) + "\n";

    /// <summary>Checks the request before anything is written.</summary>
    public static void Validate(CapabilityShellRequest r)
    {
        // The name goes into the sudoers rule: only an existing group with a valid name, so that it cannot add users or rules.
        AccountName.RequireGroup(r.Group, "-Group", "PerfCapabilityShellGroupNotFound",
            $"Create it first with New-PerfUsersGroup -Name {CommandLine.Quote(r.Group)}.");
        foreach (var (value, name) in new[] { (r.Path, "-Path"), (r.SudoersPath, "-SudoersPath") })
        {
            if (!value.StartsWith('/'))
                throw new PerfSecurityException("PerfCapabilityShellInvalidPath", FailureKind.InvalidArgument, $"{name} '{value}' must be an absolute path.", value);
            // sudoers separates and escapes on these; a path containing one would not name the script.
            if (value.Any(c => char.IsWhiteSpace(c) || c is ',' or ':' or '=' or '\\' or '#' or '"' or '\'' or '$' or '`' or '*' or '?' or '['))
                throw new PerfSecurityException("PerfCapabilityShellInvalidPath", FailureKind.InvalidArgument,
                    $"{name} '{value}' contains a character that sudoers or the shell would interpret. Use a path of letters, digits, '/', '.', '-' and '_'.", value);
        }
        if (r.Capabilities.IsEmpty)
            throw new PerfSecurityException("PerfCapabilityShellNoCapability", FailureKind.InvalidArgument, "No capability was given; give at least cap_perfmon.", r.Capabilities);
    }

    /// <summary>
    /// Writes script and drop-in (each only when it differs); returns the changes made or, under -WhatIf, planned.
    /// Both paths are walked from "/" before anything else (IO/SecurePath, no sticky directories): a script where
    /// anyone but root could replace it is refused up front (<see cref="ScriptLocation"/>). Capabilities that make
    /// the shell root-equivalent (<see cref="RootEquivalence"/>) are written only when <paramref name="confirmRootEquivalent"/>
    /// agrees; without one they are refused.
    /// </summary>
    public static (PerfCapabilityShell Shell, IReadOnlyList<string> Warnings) Install(CapabilityShellRequest r, ChangeGate gate,
        Func<string, bool>? confirmRootEquivalent = null)
    {
        Validate(r);
        using ResolvedPath scriptTarget = ResolveScript(r.Path);
        using ResolvedPath sudoersTarget = SecurePath.Resolve(r.SudoersPath, "PerfCapabilityShellSudoers", PathOptions.AllowMissing | PathOptions.RootOnlyDirectories);

        string sudo = ExternalTool.Find("sudo") ?? throw new PerfSecurityException("PerfCapabilityShellSudoNotInstalled", FailureKind.NotInstalled,
            "sudo is not installed; the capability shell is opened through sudo. Install the 'sudo' package.", "sudo");
        string visudo = ExternalTool.Find("visudo") ?? throw new PerfSecurityException("PerfCapabilityShellSudoNotInstalled", FailureKind.NotInstalled,
            "visudo is not installed (it comes with sudo). Install the 'sudo' package.", "visudo");
        _ = sudo;
        string capsh = LocateCapsh();

        var warnings = new List<string>();
        string sudoersName = System.IO.Path.GetFileName(r.SudoersPath);
        if (System.IO.Path.GetDirectoryName(r.SudoersPath) == "/etc/sudoers.d" && (sudoersName.Contains('.', StringComparison.Ordinal) || sudoersName.EndsWith('~')))
            warnings.Add($"sudo's @includedir skips files whose names contain '.' or end in '~': '{r.SudoersPath}' would be ignored. Choose a name without them.");

        string script = ScriptText(capsh, r.Capabilities);
        string sudoers = SudoersText(r.Group, r.Path, r.NoPassword);
        var changes = new List<string>();
        bool scriptNeeded = !IsInPlace(scriptTarget, script, ScriptMode);
        bool sudoersNeeded = !IsInPlace(sudoersTarget, sudoers, SudoersMode);

        if (scriptNeeded || sudoersNeeded)
        {
            if (!gate.Preview) Privilege.RequireRoot("PerfCapabilityShellNotRoot", "Installing the perf capability shell", r.Path);
            ConfirmRootEquivalent(r, gate, confirmRootEquivalent);
            // Validated first: a rule visudo rejects must not cost a script that nobody can reach.
            if (sudoersNeeded && !gate.Preview) CheckSudoers(visudo, sudoersTarget, sudoers);
        }
        else gate.Verbose($"'{r.Path}' and '{r.SudoersPath}' are already in place; nothing to change.");

        bool scriptExisted = scriptTarget.Exists;
        bool stop = false;
        if (scriptNeeded)
        {
            string action = string.Create(CultureInfo.InvariantCulture, $"Write the capsh script (root:root 0755): exec {capsh} --iab={Iab(r.Capabilities)} --secbits={SecureBits} --user=\"$SUDO_USER\" -- -l");
            if (gate.Approve(r.Path, action))
            {
                Write(scriptTarget, script, ScriptMode, "PerfCapabilityShellWriteFailed");
                changes.Add($"Script: {action}");
                gate.Verbose($"{r.Path}: {action}.");
            }
            else stop = !gate.Preview;
        }
        if (sudoersNeeded && !stop)
        {
            string action = $"Write the sudoers rule (root:root 0440, checked with visudo -cf): {SudoersRule(r.Group, r.Path, r.NoPassword)}";
            if (gate.Approve(r.SudoersPath, action))
            {
                try { Write(sudoersTarget, sudoers, SudoersMode, "PerfCapabilityShellSudoersWriteFailed"); }
                catch when (scriptNeeded && !scriptExisted)
                {
                    TryRemove(scriptTarget);
                    throw;
                }
                changes.Add($"Sudoers: {action}");
                gate.Verbose($"{r.SudoersPath}: {action}.");
            }
        }

        var shell = new PerfCapabilityShell(r.Path, capsh, r.Group, r.Capabilities.Names(), Iab(r.Capabilities), r.SudoersPath,
            SudoersRule(r.Group, r.Path, r.NoPassword), r.NoPassword, changes.ToArray());
        return (shell, warnings);
    }

    /// <summary>
    /// Walks the script path (it may not exist yet); refused with PerfCapabilityShellUnsafeLocation in a temporary or
    /// home directory, by its text and by the path walked, and with PerfCapabilityShellUntrustedPath when any
    /// directory on the way is not root-owned and writable by root alone.
    /// </summary>
    private static ResolvedPath ResolveScript(string path)
    {
        if (ScriptLocation.UserArea(path) is { } given) throw UnsafeLocation(path, given);
        var target = SecurePath.Resolve(path, "PerfCapabilityShell", PathOptions.AllowMissing | PathOptions.RootOnlyDirectories);
        if (ScriptLocation.UserArea(target.RealPath) is { } walked)
        {
            target.Dispose();
            throw UnsafeLocation(path, walked);
        }
        return target;
    }

    private static PerfSecurityException UnsafeLocation(string path, string why)
        => new("PerfCapabilityShellUnsafeLocation", FailureKind.SecurityError,
            $"{why}. sudo runs the script as root for every member of the group, so whoever can replace it gets root. "
            + $"Put it in a directory only root can change, such as {DefaultPath} (the default). Nothing was written.", path);

    /// <summary>A shell with root-equivalent capabilities is root for its users: written only when confirmed (-Force).</summary>
    private static void ConfirmRootEquivalent(CapabilityShellRequest r, ChangeGate gate, Func<string, bool>? confirm)
    {
        CapabilitySet dangerous = RootEquivalence.In(r.Capabilities);
        if (dangerous.IsEmpty) return;
        string what = $"The shell '{r.Path}' would give every member of '{r.Group}' capabilities with which a shell becomes full root: {RootEquivalence.Describe(dangerous)}";
        if (gate.Preview)
        {
            gate.Warn(what + ".");
            return;
        }
        if (confirm is null || !confirm(what + ". Continue?"))
            throw new PerfSecurityException("PerfCapabilityShellRootEquivalent", FailureKind.SecurityError,
                $"{what}. Nothing was written; give -Force to write it anyway, or choose the capabilities perf needs (cap_perfmon; the guide adds cap_syslog and cap_ipc_lock).", r.Capabilities.ToString());
    }

    /// <summary>visudo -cf on a temporary copy in the walked directory; sudo's includedir ignores its dotted name.</summary>
    private static void CheckSudoers(string visudo, ResolvedPath target, string text)
    {
        string temp = $".{target.Name}.{Environment.ProcessId}.{Guid.NewGuid():N}.check";
        string tempPath = target.DirectoryPath.TrimEnd('/') + "/" + temp;
        try
        {
            using (var fd = FileSystem.OpenAt(target.Directory, temp, FileSystem.O_WRONLY | FileSystem.O_CREAT | FileSystem.O_EXCL | FileSystem.O_NOFOLLOW, SudoersMode, tempPath))
            {
                FileSystem.WriteAll(fd, Encoding.UTF8.GetBytes(text), tempPath);
                FileSystem.FChown(fd, 0, 0, tempPath);
                FileSystem.FChmod(fd, SudoersMode, tempPath);
            }
            // visudo gets a path, but in a directory only root can change (the walk refused any other).
            ToolResult res = ExternalTool.RunUnchecked(visudo, new[] { "-c", "-f", tempPath });
            if (res.ExitCode != 0)
            {
                string said = (res.StandardError + res.StandardOutput).Replace(tempPath, target.Path, StringComparison.Ordinal).Trim();
                if (said.Length > 0 && !said.EndsWith('.')) said += ".";
                throw new PerfSecurityException("PerfCapabilityShellSudoersInvalid", FailureKind.InvalidArgument,
                    $"visudo rejected the rule '{text.Split('\n')[1]}' (exit {res.ExitCode}): {said} Nothing was written.", target.Path);
            }
        }
        catch (SystemCallException e)
        {
            throw PerfSecurityException.FromSystemCall("PerfCapabilityShellSudoersWriteFailed", e, $"Cannot write a temporary file in '{target.DirectoryPath}': {Errno.Describe(e.Errno)}.", target.Path);
        }
        finally
        {
            try { FileSystem.UnlinkAt(target.Directory, temp); } catch (SystemCallException) { }
        }
    }

    private static void Write(ResolvedPath target, string text, uint mode, string errorId)
    {
        try { AtomicFile.Write(target, Encoding.UTF8.GetBytes(text), mode, 0, 0); }
        catch (SystemCallException e)
        {
            throw PerfSecurityException.FromSystemCall(errorId, e, $"Cannot write '{target.Path}': {Errno.Describe(e.Errno)}.", target.Path);
        }
    }

    /// <summary>The largest script or drop-in read back; a bigger file is not one of ours.</summary>
    private const long MaxFileBytes = 65536;

    /// <summary>Whether the walked file already has this content, owner root:root and this mode.</summary>
    private static bool IsInPlace(ResolvedPath target, string text, uint mode)
    {
        if (target.Status is not { } st || !st.IsRegularFile || st.Uid != 0 || st.Gid != 0 || st.Permissions != mode) return false;
        try { return target.ReadAllText(MaxFileBytes) == text; }
        catch (Exception e) when (e is SystemCallException or PerfSecurityException) { return false; }
    }

    /// <summary>
    /// Removes the script and the drop-in; returns what was removed. Both are walked from "/" and removed with
    /// unlinkat in the walked directory, so a directory swapped on the way cannot turn the removal onto another file.
    /// </summary>
    public static IReadOnlyList<string> Uninstall(string path, string sudoersPath, bool force, ChangeGate gate)
    {
        var removed = new List<string>();
        using ResolvedPath script = SecurePath.Resolve(path, "PerfCapabilityShell", PathOptions.AllowMissing);
        using ResolvedPath rule = SecurePath.Resolve(sudoersPath, "PerfCapabilityShellSudoers", PathOptions.AllowMissing);
        if (!script.Exists && !rule.Exists)
        {
            gate.Verbose($"Neither '{path}' nor '{sudoersPath}' exists; nothing to remove.");
            return removed;
        }
        if (!gate.Preview) Privilege.RequireRoot("PerfCapabilityShellNotRoot", "Removing the perf capability shell", path);
        if (!force)
        {
            if (script.Exists && !ReadQuietly(script).Contains(Marker, StringComparison.Ordinal))
                throw new PerfSecurityException("PerfCapabilityShellNotOurs", FailureKind.InvalidOperation,
                    $"'{path}' was not written by New-PerfCapabilityShell; it is left alone. Use -Force to remove it anyway.", path);
            if (rule.Exists && !ReadQuietly(rule).Contains(path, StringComparison.Ordinal))
                throw new PerfSecurityException("PerfCapabilityShellNotOurs", FailureKind.InvalidOperation,
                    $"'{sudoersPath}' does not name '{path}'; it is left alone. Use -Force to remove it anyway.", sudoersPath);
        }
        // The rule first: once it is gone nobody can reach the script, whatever happens next.
        foreach (ResolvedPath p in new[] { rule, script })
        {
            if (!p.Exists || !gate.Approve(p.Path, "Remove")) continue;
            try { p.Remove(); }
            catch (SystemCallException e)
            {
                throw PerfSecurityException.FromSystemCall("PerfCapabilityShellRemoveFailed", e, $"Cannot remove '{p.Path}': {Errno.Describe(e.Errno)}.", p.Path);
            }
            removed.Add(p.Path);
            gate.Verbose($"Removed '{p.Path}'.");
        }
        return removed;
    }

    private static string ReadQuietly(ResolvedPath file)
    {
        try { return file.ReadAllText(MaxFileBytes); }
        catch (Exception e) when (e is SystemCallException or PerfSecurityException) { return ""; }
    }

    private static void TryRemove(ResolvedPath file)
    {
        try { file.Remove(); } catch (SystemCallException) { }
    }
}
