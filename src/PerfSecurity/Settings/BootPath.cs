namespace PerfSecurity.Settings;

/// <summary>The program that applies the sysctl configuration at boot; the two read it differently.</summary>
[Newtonsoft.Json.JsonConverter(typeof(Newtonsoft.Json.Converters.StringEnumConverter))] // by name in JSON and (Types.ps1xml) in CliXML/remoting
public enum BootPath
{
    /// <summary>systemd-sysctl.service (systemd 252's rules).</summary>
    Systemd,
    /// <summary><c>sysctl --system</c> of procps-ng 4.0 (an init script, or no init system at all).</summary>
    Procps,
}
