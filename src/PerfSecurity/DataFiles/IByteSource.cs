namespace PerfSecurity.DataFiles;

/// <summary>Random access to the bytes of a file whose real length is known up front.</summary>
public interface IByteSource
{
    long Length { get; }

    /// <summary>Fills <paramref name="buffer"/> from <paramref name="offset"/>; returns fewer bytes only at the end.</summary>
    int Read(long offset, Span<byte> buffer);
}
