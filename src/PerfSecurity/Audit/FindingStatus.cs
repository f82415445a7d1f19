namespace PerfSecurity;

[Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))] // by name in JSON and (Types.ps1xml) in CliXML/remoting
public enum FindingStatus { Pass, Fail, Warning, NotApplicable }
