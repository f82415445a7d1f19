using System.Text;
using PerfSecurity.Capabilities;
using PerfSecurity.Errors;
using PerfSecurity.IO;
using PerfSecurity.Native;
using PerfSecurity.Text;
using PerfSecurity.Users;

namespace PerfSecurity.Groups;

/// <summary>What New-PerfCapabilityShell is asked to write.</summary>
public sealed record CapabilityShellRequest(string Path, string Group, CapabilitySet Capabilities, string SudoersPath, bool NoPassword);

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

    /// <summary>capsh's real path: a symlink is resolved so the script names the program that runs.</summary>
    public static string LocateCapsh()
    {
        string found = ExternalTool.Find("capsh") ?? throw new PerfSecurityException("PerfCapabilityShellCapshNotInstalled", FailureKind.NotInstalled,
            "capsh is not installed. Install the 'libcap2-bin' package (Debian/Ubuntu) or 'libcap' (Fedora).", "capsh");
        try { return new FileInfo(found).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? found; }
        catch (IOException) { return found; }
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
         + $"exec {capshPath} --iab={Iab(caps)} --secbits={SecureBits} --user=\"$SUDO_USER\" -- -l \"$@\"\n";

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

    /// <summary>Writes script and drop-in (each only when it differs); returns the changes made or, under -WhatIf, planned.</summary>
    public static (PerfCapabilityShell Shell, IReadOnlyList<string> Warnings) Install(CapabilityShellRequest r, ChangeGate gate)
    {
        Validate(r);
        string sudo = ExternalTool.Find("sudo") ?? throw new PerfSecurityException("PerfCapabilityShellSudoNotInstalled", FailureKind.NotInstalled,
            "sudo is not installed; the capability shell is opened through sudo. Install the 'sudo' package.", "sudo");
        string visudo = ExternalTool.Find("visudo") ?? throw new PerfSecurityException("PerfCapabilityShellSudoNotInstalled", FailureKind.NotInstalled,
            "visudo is not installed (it comes with sudo). Install the 'sudo' package.", "visudo");
        _ = sudo;
        string capsh = LocateCapsh();

        var warnings = new List<string>();
        string sudoersName = System.IO.Path.GetFileName(r.SudoersPath);
        if (System.IO.Path.GetDirectoryName(r.SudoersPath) == "/etc/sudoers.d" && (sudoersName.Contains('.') || sudoersName.EndsWith('~')))
            warnings.Add($"sudo's @includedir skips files whose names contain '.' or end in '~': '{r.SudoersPath}' would be ignored. Choose a name without them.");

        string script = ScriptText(capsh, r.Capabilities);
        string sudoers = SudoersText(r.Group, r.Path, r.NoPassword);
        var changes = new List<string>();
        bool scriptNeeded = !IsInPlace(r.Path, script, ScriptMode);
        bool sudoersNeeded = !IsInPlace(r.SudoersPath, sudoers, SudoersMode);

        if (scriptNeeded || sudoersNeeded)
        {
            if (!gate.Preview) Privilege.RequireRoot("PerfCapabilityShellNotRoot", "Installing the perf capability shell", r.Path);
            // Validated first: a rule visudo rejects must not cost a script that nobody can reach.
            if (sudoersNeeded && !gate.Preview) CheckSudoers(visudo, r.SudoersPath, sudoers);
        }
        else gate.Verbose($"'{r.Path}' and '{r.SudoersPath}' are already in place; nothing to change.");

        bool scriptExisted = File.Exists(r.Path);
        bool stop = false;
        if (scriptNeeded)
        {
            string action = $"Write the capsh script (root:root 0755): exec {capsh} --iab={Iab(r.Capabilities)} --secbits={SecureBits} --user=\"$SUDO_USER\" -- -l";
            if (gate.Approve(r.Path, action))
            {
                Write(r.Path, script, ScriptMode, "PerfCapabilityShellWriteFailed");
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
                try { Write(r.SudoersPath, sudoers, SudoersMode, "PerfCapabilityShellSudoersWriteFailed"); }
                catch when (scriptNeeded && !scriptExisted)
                {
                    TryUnlink(r.Path);
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

    /// <summary>visudo -cf on a temporary copy in the target directory; sudo's includedir ignores its dotted name.</summary>
    private static void CheckSudoers(string visudo, string target, string text)
    {
        string dir = System.IO.Path.GetDirectoryName(target) ?? "/etc/sudoers.d";
        if (!Directory.Exists(dir))
            throw new PerfSecurityException("PerfCapabilityShellSudoersWriteFailed", FailureKind.ObjectNotFound, $"The directory '{dir}' does not exist.", target);
        string temp = System.IO.Path.Combine(dir, $".{System.IO.Path.GetFileName(target)}.{Environment.ProcessId}.{Guid.NewGuid():N}.check");
        try
        {
            using (var fd = FileSystem.Open(temp, FileSystem.O_WRONLY | FileSystem.O_CREAT | FileSystem.O_EXCL | FileSystem.O_NOFOLLOW, SudoersMode))
            {
                FileSystem.WriteAll(fd, Encoding.UTF8.GetBytes(text), temp);
                FileSystem.FChown(fd, 0, 0, temp);
                FileSystem.FChmod(fd, SudoersMode, temp);
            }
            ToolResult res = ExternalTool.RunUnchecked(visudo, new[] { "-c", "-f", temp });
            if (res.ExitCode != 0)
            {
                string said = (res.StandardError + res.StandardOutput).Replace(temp, target).Trim();
                if (said.Length > 0 && !said.EndsWith('.')) said += ".";
                throw new PerfSecurityException("PerfCapabilityShellSudoersInvalid", FailureKind.InvalidArgument,
                    $"visudo rejected the rule '{text.Split('\n')[1]}' (exit {res.ExitCode}): {said} Nothing was written.", target);
            }
        }
        catch (SystemCallException e)
        {
            throw PerfSecurityException.FromSystemCall("PerfCapabilityShellSudoersWriteFailed", e, $"Cannot write a temporary file in '{dir}': {Errno.Describe(e.Errno)}.", target);
        }
        finally
        {
            TryUnlink(temp);
        }
    }

    private static void Write(string path, string text, uint mode, string errorId)
    {
        try { AtomicFile.Write(path, text, mode, 0, 0); }
        catch (SystemCallException e)
        {
            throw PerfSecurityException.FromSystemCall(errorId, e, $"Cannot write '{path}': {Errno.Describe(e.Errno)}.", path);
        }
    }

    /// <summary>Whether the file already has this content, owner root:root and this mode.</summary>
    private static bool IsInPlace(string path, string text, uint mode)
    {
        try
        {
            FileStatus st = FileSystem.Stat(path, followLinks: false);
            return st.IsRegularFile && st.Uid == 0 && st.Gid == 0 && st.Permissions == mode && File.ReadAllText(path) == text;
        }
        catch (Exception e) when (e is SystemCallException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Removes the script and the drop-in; returns what was removed.</summary>
    public static IReadOnlyList<string> Uninstall(string path, string sudoersPath, bool force, ChangeGate gate)
    {
        var removed = new List<string>();
        bool scriptThere = Exists(path), sudoersThere = Exists(sudoersPath);
        if (!scriptThere && !sudoersThere)
        {
            gate.Verbose($"Neither '{path}' nor '{sudoersPath}' exists; nothing to remove.");
            return removed;
        }
        if (!gate.Preview) Privilege.RequireRoot("PerfCapabilityShellNotRoot", "Removing the perf capability shell", path);
        if (!force)
        {
            if (scriptThere && !ReadQuietly(path).Contains(Marker, StringComparison.Ordinal))
                throw new PerfSecurityException("PerfCapabilityShellNotOurs", FailureKind.InvalidOperation,
                    $"'{path}' was not written by New-PerfCapabilityShell; it is left alone. Use -Force to remove it anyway.", path);
            if (sudoersThere && !ReadQuietly(sudoersPath).Contains(path, StringComparison.Ordinal))
                throw new PerfSecurityException("PerfCapabilityShellNotOurs", FailureKind.InvalidOperation,
                    $"'{sudoersPath}' does not name '{path}'; it is left alone. Use -Force to remove it anyway.", sudoersPath);
        }
        // The rule first: once it is gone nobody can reach the script, whatever happens next.
        foreach (string p in new[] { sudoersPath, path })
        {
            if (!Exists(p) || !gate.Approve(p, "Remove")) continue;
            try { FileSystem.UnlinkIfExists(p); }
            catch (SystemCallException e)
            {
                throw PerfSecurityException.FromSystemCall("PerfCapabilityShellRemoveFailed", e, $"Cannot remove '{p}': {Errno.Describe(e.Errno)}.", p);
            }
            removed.Add(p);
            gate.Verbose($"Removed '{p}'.");
        }
        return removed;
    }

    private static bool Exists(string path)
    {
        try { FileSystem.Stat(path, followLinks: false); return true; }
        catch (SystemCallException) { return false; }
    }

    private static string ReadQuietly(string path)
    {
        try { return File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return ""; }
    }

    private static void TryUnlink(string path)
    {
        try { FileSystem.UnlinkIfExists(path); } catch (SystemCallException) { }
    }
}
