using System.Management.Automation;
using PerfSecurity.Errors;
using PerfSecurity.Resources;

namespace PerfSecurity.Module;

/// <summary>
/// Measure-PerfMlockBudget and Measure-PerfFileDescriptorBudget: whose limits count, a running process
/// (the current one by default) or the next login of a user.
/// </summary>
public abstract class BudgetCmdlet : PerfCmdlet
{
    protected const string ProcessSet = "Process", UserSet = "User";

    [Parameter(ParameterSetName = ProcessSet, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "Pid")]
    public int ProcessId { get; set; } = Environment.ProcessId;

    [Parameter(ParameterSetName = UserSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(UserNameCompleter))]
    public string UserName { get; set; } = "";

    /// <summary>
    /// The process that opens the user's session (sshd, login, or the shell that runs su, sudo or runuser): its
    /// limits and CAP_SYS_RESOURCE decide what pam_limits can set. Default: a root service such as sshd.
    /// </summary>
    [Parameter(ParameterSetName = UserSet)]
    [ValidateRange(1, int.MaxValue)]
    public int ParentProcessId { get; set; }

    /// <summary>The subject's limits and capabilities; <paramref name="filePath"/> is the binary a user runs.</summary>
    protected BudgetSubject Subject(string? filePath = null)
        => ParameterSetName == UserSet
            ? ResourceBudgets.ForUser(UserName, filePath is null ? null : ResolveFile(filePath), IfBound(nameof(ParentProcessId), ParentProcessId))
            : ResourceBudgets.ForProcess(ProcessId);

    /// <summary>A parameter's value when the caller gave it, else null (the default is computed).</summary>
    protected T? IfBound<T>(string name, T value) where T : struct
        => MyInvocation.BoundParameters.ContainsKey(name) ? value : null;

    protected override void ProcessRecord()
    {
        try
        {
            object result = Measure();
            if (result is MlockBudget m) foreach (string p in m.ConfigurationProblems) WriteWarning(p);
            if (result is FileDescriptorBudget f) foreach (string p in f.ConfigurationProblems) WriteWarning(p);
            WriteObject(result);
        }
        catch (PerfSecurityException e) { WriteFailure(e); }
    }

    protected abstract object Measure();
}
