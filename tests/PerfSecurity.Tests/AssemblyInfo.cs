// Tests change global kernel state (paranoid level, files, users): never run them in parallel.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
