namespace PerfSecurity;

/// <summary>One thing that differs from a baseline: which part (Section, Name, Property), what the baseline says and what the host has now.</summary>
public sealed class BaselineDifference
{
    public BaselineDifference(string section, string name, string property, string expected, string actual, string computerName)
    {
        Section = section;
        Name = name;
        Property = property;
        Expected = expected;
        Actual = actual;
        ComputerName = computerName;
    }

    /// <summary>"Sysctl kernel.perf_event_paranoid Runtime", "Binary /usr/bin/perf Mode", "Group perf_users Member alice".</summary>
    public string What => Property.Length == 0 ? $"{Section} {Name}" : $"{Section} {Name} {Property}";
    public string Expected { get; }
    public string Actual { get; }
    /// <summary>The host compared (its host name).</summary>
    public string ComputerName { get; }
    /// <summary>Sysctl, Binary, Group, CapabilityShell or Memlock.</summary>
    public string Section { get; }
    /// <summary>The sysctl key, file path, group, shell script or user.</summary>
    public string Name { get; }
    /// <summary>The field that differs; empty when the whole part is new or gone.</summary>
    public string Property { get; }

    public override string ToString() => $"{What}: {Expected} -> {Actual}";
}
