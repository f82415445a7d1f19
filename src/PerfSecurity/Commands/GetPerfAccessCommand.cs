using System.Management.Automation;
using PerfSecurity.Access;
using PerfSecurity.Errors;
using PerfSecurity.Module;
using PerfSecurity.Native;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsCommon.Get, "PerfAccess", DefaultParameterSetName = ProcessSet)]
[OutputType(typeof(AccessRule))]
public sealed class GetPerfAccessCommand : PerfCmdlet
{
    private const string ProcessSet = "Process";
    private const string UserSet = "User";

    /// <summary>The process to judge; the current one when left out.</summary>
    [Parameter(ParameterSetName = ProcessSet, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    public int? ProcessId { get; set; }

    /// <summary>A user whose fresh login is judged (root holds every capability, others none).</summary>
    [Parameter(ParameterSetName = UserSet, Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(UserNameCompleter))]
    [AllowEmptyString]
    [Alias("User")]
    public string UserName { get; set; } = "";

    /// <summary>A binary the subject runs: its file capabilities and set-user-ID bit count, if the kernel honours them.</summary>
    [Parameter(ParameterSetName = ProcessSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = UserSet, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    public string? FilePath { get; set; }

    private KernelFacts? _kernel;

    protected override void BeginProcessing()
    {
        try { _kernel = AccessSubjects.CurrentKernel(); }
        catch (PerfSecurityException e) { ThrowFailure(e); }
    }

    protected override void ProcessRecord()
    {
        Try(() =>
        {
            SubjectFacts subject;
            uint gid;
            IReadOnlyCollection<uint> groups;
            if (ParameterSetName == UserSet)
            {
                subject = AccessSubjects.ForUser(UserName);
                Accounts.UserEntry user = Accounts.UserByName(subject.UserName!)!.Value;
                gid = user.Gid;
                groups = Accounts.GroupIdsOf(user.Name, user.Gid);
            }
            else
            {
                int pid = ProcessId ?? Environment.ProcessId;
                subject = AccessSubjects.ForProcess(pid);
                (gid, groups) = FilePath is null ? (0u, Array.Empty<uint>()) : AccessSubjects.GroupsOfProcess(pid);
            }
            if (FilePath is not null)
            {
                string path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(FilePath);
                subject = AccessSubjects.Executing(subject, path, gid, groups);
            }
            foreach (AccessRule rule in AccessRules.Decide(_kernel!, subject))
                WriteObject(rule);
        });
    }
}
