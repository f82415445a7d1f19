using System.Runtime.Versioning;

// Tests change global kernel state (paranoid level, files, users): never run them in parallel.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
// The module and its tests are for Linux only.
[assembly: SupportedOSPlatform("linux")]
