using System.Reflection;
using System.Runtime.Versioning;
using Xunit;

namespace PerfSecurity.Tests;

/// <summary>The suite runs once per target framework, each time on that framework's own runtime.</summary>
public sealed class TargetRuntimeTests
{
    [Fact]
    public void Runs_on_the_runtime_its_target_framework_names_not_a_newer_one()
    {
        // The framework this assembly was built for (AppContext names the test host's, which is built for the oldest).
        var target = new FrameworkName(typeof(TargetRuntimeTests).Assembly.GetCustomAttribute<TargetFrameworkAttribute>()!.FrameworkName);
        Assert.Equal(".NETCoreApp", target.Identifier);
        // A roll-forward to a newer runtime would pass every other test while testing nothing on the older one.
        Assert.Equal(target.Version.Major, Environment.Version.Major);
    }
}
