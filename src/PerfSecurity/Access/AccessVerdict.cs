
namespace PerfSecurity;

/// <summary>The prediction of a rule: the kernel allows it, denies it, or the module cannot tell.</summary>
[Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))] // by name in JSON and (Types.ps1xml) in CliXML/remoting
public enum AccessVerdict
{
    Allowed,
    Denied,
    /// <summary>Something the module cannot see decides: a seccomp filter it may not read, or one whose answer depends on the caller's arguments.</summary>
    Unknown,
}
