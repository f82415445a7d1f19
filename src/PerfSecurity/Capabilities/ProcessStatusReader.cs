using PerfSecurity.Namespaces;

namespace PerfSecurity.Capabilities;

/// <summary>
/// Reads the status of many processes with several threads and hands each back in the order asked, as soon as it
/// and those before it are read. The enumerating thread reads too while it waits, and ending the enumeration
/// (Ctrl+C, a pipeline that stops early) ends the other threads before it returns.
/// </summary>
public static class ProcessStatusReader
{
    /// <summary>One process: its status (null when it exited meanwhile) and whether it lives in a child user namespace.</summary>
    public readonly record struct Entry(int ProcessId, ProcessStatus? Status, bool InChildUserNamespace);

    /// <summary>
    /// The processes of <paramref name="pids"/>, in that order, read by <paramref name="workers"/> threads (the
    /// enumerating one included); <paramref name="initialUserNamespace"/> is the host's ns/user link
    /// (<see cref="ProcessNamespaces.HostLink"/>).
    /// </summary>
    public static IEnumerable<Entry> Read(IReadOnlyList<int> pids, string? initialUserNamespace, int workers)
    {
        var batch = new Batch(pids, initialUserNamespace);
        var threads = new List<Thread>();
        try
        {
            for (int i = 1; i < Math.Clamp(workers, 1, 64) && i * Batch.Chunk < pids.Count; i++)
            {
                var thread = new Thread(batch.Run, 256 * 1024) { IsBackground = true, Name = "PerfSecurity process reader" };
                threads.Add(thread);
                thread.Start();
            }
            for (int i = 0; i < pids.Count; i++) yield return batch.Take(i);
        }
        finally
        {
            batch.Stop();
            foreach (Thread t in threads) t.Join();
            batch.ThrowIfFailed();
        }
    }

    private sealed class Batch
    {
        // Processes claimed at a time: few enough to keep threads even, enough to keep the lock rare.
        public const int Chunk = 16;

        private readonly IReadOnlyList<int> _pids;
        private readonly string? _initialUserNamespace;
        private readonly Entry[] _entries;
        private readonly bool[] _ready;
        private readonly object _gate = new();
        private int _next;
        private volatile bool _stop;
        private Exception? _failure;

        public Batch(IReadOnlyList<int> pids, string? initialUserNamespace)
        {
            _pids = pids;
            _initialUserNamespace = initialUserNamespace;
            _entries = new Entry[pids.Count];
            _ready = new bool[pids.Count];
        }

        /// <summary>A worker thread: chunks until none is left or the enumeration ends.</summary>
        public void Run()
        {
            try
            {
                while (!_stop && ReadChunk()) { }
            }
            catch (Exception e)
            {
                // Handed to the enumerating thread, which would otherwise wait for this chunk forever.
                lock (_gate)
                {
                    _failure ??= e;
                    _stop = true;
                    Monitor.PulseAll(_gate);
                }
            }
        }

        /// <summary>Entry <paramref name="index"/>; the enumerating thread reads chunks of its own until it is ready.</summary>
        public Entry Take(int index)
        {
            while (true)
            {
                lock (_gate)
                {
                    if (_ready[index]) return _entries[index];
                    if (_failure is not null) break;
                }
                if (!ReadChunk())
                {
                    lock (_gate)
                    {
                        while (!_ready[index] && _failure is null) Monitor.Wait(_gate);
                    }
                }
            }
            ThrowIfFailed();
            throw new InvalidOperationException("unreachable");
        }

        public void Stop() => _stop = true;

        public void ThrowIfFailed()
        {
            if (_failure is not null) throw new InvalidOperationException("Reading process capabilities failed.", _failure);
        }

        // Claims the next chunk and reads it; false when every chunk is claimed.
        private bool ReadChunk()
        {
            int start = Interlocked.Add(ref _next, Chunk) - Chunk;
            if (start >= _pids.Count) return false;
            int end = Math.Min(start + Chunk, _pids.Count);
            var read = new Entry[end - start];
            for (int i = start; i < end; i++)
            {
                int pid = _pids[i];
                ProcessStatus? status = ProcessCapabilities.Read(pid);
                bool child = status is not null && !status.IsKernelThread && !ProcessNamespaces.InUserNamespaceOf(pid, _initialUserNamespace);
                read[i - start] = new Entry(pid, status, child);
            }
            lock (_gate)
            {
                for (int i = start; i < end; i++)
                {
                    _entries[i] = read[i - start];
                    _ready[i] = true;
                }
                Monitor.PulseAll(_gate);
            }
            return true;
        }
    }
}
