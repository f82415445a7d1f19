using PerfSecurity.Capabilities;
using PerfSecurity.Native;

namespace PerfSecurity.Audit;

/// <summary>PERF-BINARY-SCRIPT: the kernel ignores file capabilities on scripts; they belong on the ELF the script runs.</summary>
public sealed class BinaryScriptCheck : BinaryCheck
{
    public override string Id => "PERF-BINARY-SCRIPT";
    public override string Title => "capabilities on an ELF, not a script";

    protected override Finding? Judge(AuditContext context, AuditProfile profile, AuditedBinary binary)
    {
        string? real = binary.IsScript ? Tooling.PerfLocator.Locate(binary.Path, context.Kernel).Binary : null;
        return Make(profile, binary.IsScript ? FindingStatus.Fail : FindingStatus.Pass, FindingSeverity.Medium, "an ELF binary",
            binary.IsScript ? $"a script{(real is null ? "" : $" that execs {real}")}" : "an ELF binary",
            Remediations.MoveCapabilities(binary.Path, real, binary.CapabilityText),
            "execve(2) (Interpreter scripts: the interpreter runs, so the script's file capabilities are ignored); capabilities(7)", binary.Path, repairable: true);
    }

    public override IEnumerable<RepairStep> Repair(Finding finding)
    {
        string path = finding.Target!;
        yield return new RepairStep(path, "Remove the file capabilities the kernel ignores on this script", () =>
            OnPerfBinary(path, (_, caps) => caps is not null, (fd, _, _) =>
            {
                if (!IO.FileEntry.IsScript(fd)) return; // no longer a script: the capabilities are not ignored
                Xattr.Remove(fd, FileCapabilityData.XattrName, path);
            }));
    }
}
