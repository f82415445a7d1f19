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

    protected override void ProcessRecord()
    {
        var patterns = Name.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
        var matched = new bool[Name.Length];
        bool Matches(EventInfo e)
        {
            bool any = false;
            for (int i = 0; i < patterns.Count; i++)
            {
                if (patterns[i].IsMatch(e.Name) || e.Aliases.Any(patterns[i].IsMatch)) { matched[i] = true; any = true; }
            }
            return any;
        }

        PerfEventType[] types = Type ?? Enum.GetValues<PerfEventType>();
        foreach (PerfEventType type in types.Distinct())
        {
            try
            {
                IEnumerable<EventInfo> events = type switch
                {
                    PerfEventType.Tracepoint => TracepointEvents(explicitly: Type is not null),
                    PerfEventType.Pmu => EventCatalog.Pmu(),
                    _ => EventCatalog.Generic(type),
                };
                foreach (EventInfo e in events)
                {
                    if (Stopping) return;
                    if (Matches(e)) WriteObject(Supported ? e.WithSupported(EventCatalog.Probe(EventCatalog.ToDefinition(e))) : e);
                }
            }
            catch (PerfSecurityException e)
            {
                WriteFailure(e);
            }
        }

        // A literal name that is no listed event may still be an event string (page-faults:u, cpu/event=0x3c/).
        for (int i = 0; i < Name.Length; i++)
        {
            if (matched[i] || WildcardPattern.ContainsWildcardCharacters(Name[i])) continue;
            try
            {
                EventDefinition def = new EventResolver().Resolve(Name[i]);
                if (Type is not null && !Type.Contains(def.Kind)) continue;
                EventInfo info = EventCatalog.FromDefinition(def);
                WriteObject(Supported ? info.WithSupported(EventCatalog.Probe(def)) : info);
            }
            catch (PerfSecurityException e)
            {
                WriteFailure(e);
            }
        }
    }

    private IEnumerable<EventInfo> TracepointEvents(bool explicitly)
    {
        string? tracefs = Tracefs.Locate();
        if (tracefs is null)
        {
            const string message = "tracefs is not mounted (neither /sys/kernel/tracing nor /sys/kernel/debug/tracing): no tracepoints listed. As root: mount -t tracefs nodev /sys/kernel/tracing";
            if (explicitly)
                WriteFailure(new PerfSecurityException("PerfEventTracefsNotMounted", FailureKind.ResourceUnavailable, message));
            else if (!_warnedTracefs && Name.Any(n => n.Contains(':', StringComparison.Ordinal) || WildcardPattern.ContainsWildcardCharacters(n)))
                WriteWarning(message);
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
