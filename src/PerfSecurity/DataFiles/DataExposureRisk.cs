namespace PerfSecurity;

/// <summary>How much a perf.data file exposes, from what it holds and who can read it.</summary>
[Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))] // by name in JSON and (Types.ps1xml) in CliXML/remoting
public enum DataExposureRisk
{
    Low,
    Medium,
    High,
}
