using System.Management.Automation;
using PerfSecurity.Counting;
using PerfSecurity.Errors;
using PerfSecurity.Module;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsCommon.Get, "PerfEvent")]
[OutputType(typeof(EventInfo))]
public sealed class GetPerfEventCommand : PerfCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(EventNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = { "*" };

    [Parameter]
    public PerfEventType[]? Type { get; set; }

    /// <summary>Try to open each event for this process and report Supported.</summary>
    [Parameter]
    public SwitchParameter Supported { get; set; }

    private bool _warnedTracefs;
    // What tracefs told (mounted it, or why not) and its failures, once each: the listing and a literal name both look for it.
    private readonly HashSet<string> _toldTracefs = new(StringComparer.Ordinal);

    protected override void ProcessRecord()
    {
        // Patterns filter the list ignoring case; a literal name is an event string, whose case matters to perf.
        var names = new NameFilter(Name, StringComparison.Ordinal);

        PerfEventType[] types = Type ?? Enum.GetValues<PerfEventType>();
        foreach (PerfEventType type in types.Distinct())
        {
            try
            {
                IEnumerable<EventInfo> events = type switch
                {
                    PerfEventType.Tracepoint => TracepointEvents(explicitly: Type is not null, names.HasPatterns),
                    PerfEventType.Pmu => EventCatalog.Pmu(),
                    _ => EventCatalog.Generic(type),
                };
                foreach (EventInfo e in events)
                {
                    if (StopToken.IsCancellationRequested) return;
                    if (names.Matches(e.Name, e.Aliases)) WriteObject(Supported ? e.WithSupported(Probe(EventCatalog.ToDefinition(e))) : e);
                }
            }
            catch (PerfSecurityException e)
            {
                if (!e.ErrorId.StartsWith("PerfEventTracefs", StringComparison.Ordinal) || _toldTracefs.Add(e.Message)) WriteFailure(e);
            }
        }

        // A literal name that is no listed event may still be an event string (page-faults:u, cpu/event=0x3c/).
        foreach (string literal in names.Unmatched)
        {
            try
            {
                EventDefinition def = new EventResolver(verbose: TellTracefs).Resolve(literal);
                if (Type is not null && !Type.Contains(def.Kind)) continue;
                EventInfo info = EventCatalog.FromDefinition(def);
                WriteObject(Supported ? info.WithSupported(Probe(def)) : info);
            }
            catch (PerfSecurityException e)
            {
                if (!e.ErrorId.StartsWith("PerfEventTracefs", StringComparison.Ordinal) || _toldTracefs.Add(e.Message)) WriteFailure(e);
            }
        }
    }

    private void TellTracefs(string message)
    {
        if (_toldTracefs.Add(message)) WriteVerbose(message);
    }

    // An alias still needing its "=?" values cannot be opened as listed: not tried.
    private static bool? Probe(EventDefinition def) => def.Parameters.Count > 0 ? null : EventCatalog.Probe(def);

    private IEnumerable<EventInfo> TracepointEvents(bool explicitly, bool patterns)
    {
        // Tracepoint names hold a ':'; a list that can name one mounts tracefs when missing, as perf list does.
        bool mayNameTracepoint = explicitly || Name.Any(n => n.Contains(':', StringComparison.Ordinal) || WildcardPattern.ContainsWildcardCharacters(n));
        string? tracefs = mayNameTracepoint ? Tracefs.LocateOrMount(TellTracefs) : Tracefs.Locate();
        if (tracefs is null)
        {
            const string NotMounted = "tracefs is not mounted (neither /sys/kernel/tracing nor /sys/kernel/debug/tracing): no tracepoints listed. As root: mount -t tracefs nodev /sys/kernel/tracing";
            if (explicitly)
                WriteFailure(new PerfSecurityException("PerfEventTracefsNotMounted", FailureKind.ResourceUnavailable, NotMounted));
            // A literal tracepoint gets its own error from the resolver; patterns would silently match nothing.
            else if (!_warnedTracefs && patterns)
                WriteWarning(NotMounted);
            _warnedTracefs = true;
            yield break;
        }
        // Only the subsystems a literal "subsystem:" prefix can match, when every name has one.
        var subsystems = EventCatalog.TracepointSubsystems(tracefs).ToList();
        var prefixes = Name.Select(n => n.IndexOf(':', StringComparison.Ordinal) is int c and > 0 && !WildcardPattern.ContainsWildcardCharacters(n[..c]) ? n[..c] : null).ToList();
        if (prefixes.All(p => p is not null)) subsystems = subsystems.Where(s => prefixes.Contains(s)).ToList();
        var progress = new ProgressRecord(1, "Listing tracepoints", tracefs);
        for (int i = 0; i < subsystems.Count; i++)
        {
            progress.StatusDescription = subsystems[i];
            progress.PercentComplete = 100 * i / subsystems.Count;
            WriteProgress(progress);
            foreach (EventInfo e in EventCatalog.Tracepoints(tracefs, subsystems[i])) yield return e;
        }
        progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(progress);
    }
}
