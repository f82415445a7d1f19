namespace PerfSecurity;

/// <summary>Who opens the events of a descriptor budget.</summary>
[Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))] // by name in JSON and (Types.ps1xml) in CliXML/remoting
public enum DescriptorOpener
{
    /// <summary>A perf process started from the subject: it inherits the subject's descriptors that lack close-on-exec.</summary>
    Perf,
    /// <summary>The subject process itself (such as this module's Start-PerfCounterSession): all its descriptors count.</summary>
    Process,
}
