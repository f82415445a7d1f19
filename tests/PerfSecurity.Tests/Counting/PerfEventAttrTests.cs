using System.Runtime.InteropServices;
using PerfSecurity.Native;
using Xunit;

namespace PerfSecurity.Tests.Counting;

public sealed class PerfEventAttrTests
{
    [Fact]
    public void Attr_is_136_bytes() => Assert.Equal(136, Marshal.SizeOf<PerfEventAttr>());

    [Theory]
    [InlineData(nameof(PerfEventAttr.Type), 0)]
    [InlineData(nameof(PerfEventAttr.AttrSize), 4)]
    [InlineData(nameof(PerfEventAttr.Config), 8)]
    [InlineData(nameof(PerfEventAttr.SamplePeriod), 16)]
    [InlineData(nameof(PerfEventAttr.SampleType), 24)]
    [InlineData(nameof(PerfEventAttr.ReadFormat), 32)]
    [InlineData(nameof(PerfEventAttr.Flags), 40)]
    [InlineData(nameof(PerfEventAttr.WakeupEvents), 48)]
    [InlineData(nameof(PerfEventAttr.BpType), 52)]
    [InlineData(nameof(PerfEventAttr.Config1), 56)]
    [InlineData(nameof(PerfEventAttr.Config2), 64)]
    [InlineData(nameof(PerfEventAttr.BranchSampleType), 72)]
    [InlineData(nameof(PerfEventAttr.SampleRegsUser), 80)]
    [InlineData(nameof(PerfEventAttr.SampleStackUser), 88)]
    [InlineData(nameof(PerfEventAttr.ClockId), 92)]
    [InlineData(nameof(PerfEventAttr.SampleRegsIntr), 96)]
    [InlineData(nameof(PerfEventAttr.AuxWatermark), 104)]
    [InlineData(nameof(PerfEventAttr.SampleMaxStack), 108)]
    [InlineData(nameof(PerfEventAttr.AuxSampleSize), 112)]
    [InlineData(nameof(PerfEventAttr.SigData), 120)]
    [InlineData(nameof(PerfEventAttr.Config3), 128)]
    public void Field_offsets_match_the_uapi(string field, int offset)
        => Assert.Equal(offset, (int)Marshal.OffsetOf<PerfEventAttr>(field));

    [Fact]
    public void Flag_properties_set_the_kernel_bits()
    {
        var attr = new PerfEventAttr { Disabled = true, Inherit = true, ExcludeUser = true, ExcludeKernel = true, ExcludeHv = true, EnableOnExec = true };
        Assert.Equal((1UL << 0) | (1UL << 1) | (1UL << 4) | (1UL << 5) | (1UL << 6) | (1UL << 12), attr.Flags);
        attr.ExcludeKernel = false;
        Assert.Equal(0UL, attr.Flags & (1UL << 5));
    }

    [Fact]
    public void Syscall_number_follows_the_architecture()
    {
        long expected = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 241 : 298;
        Assert.Equal(expected, PerfEvents.SyscallNumber);
    }

    [Fact]
    public void A_software_counter_opens_and_reads_on_this_kernel()
    {
        var attr = new PerfEventAttr
        {
            Type = PerfEvents.TypeSoftware, Config = 1, ExcludeKernel = true, ExcludeHv = true,
            ReadFormat = PerfEvents.FormatTotalTimeEnabled | PerfEvents.FormatTotalTimeRunning | PerfEvents.FormatId
        };
        using FileDescriptor fd = PerfEvents.Open(ref attr, 0, -1);
        Assert.Equal((uint)PerfEventAttr.Size, attr.AttrSize);
        byte[] small = new byte[8];
        var e = Assert.Throws<PerfSecurity.Native.SystemCallException>(() => PerfEvents.Read(fd, small));
        Assert.Equal(Errno.ENOSPC, e.Errno); // the kernel never truncates a read
        byte[] buffer = new byte[PerfEvents.ReadSize(attr.ReadFormat)];
        int n = PerfEvents.Read(fd, buffer);
        Assert.Equal(32, n);
        var r = PerfReadView.Parse(buffer.AsSpan(0, n), attr.ReadFormat);
        Assert.Equal(PerfEvents.GetId(fd), r.Id(0));
        Assert.True(r.TimeEnabled > 0);
    }

    [Fact]
    public void A_group_reads_in_one_call_leader_first_with_one_pair_of_times()
    {
        const ulong Format = PerfEvents.FormatTotalTimeEnabled | PerfEvents.FormatTotalTimeRunning | PerfEvents.FormatId | PerfEvents.FormatGroup;
        var leaderAttr = new PerfEventAttr { Type = PerfEvents.TypeSoftware, Config = 1, ExcludeKernel = true, ExcludeHv = true, ReadFormat = Format };
        var memberAttr = new PerfEventAttr { Type = PerfEvents.TypeSoftware, Config = 2, ExcludeKernel = true, ExcludeHv = true, ReadFormat = Format };
        using FileDescriptor leader = PerfEvents.Open(ref leaderAttr, 0, -1);
        using FileDescriptor member = PerfEvents.Open(ref memberAttr, 0, -1, leader);
        byte[] buffer = new byte[PerfEvents.ReadSize(Format, 2)];
        int n = PerfEvents.Read(leader, buffer);
        Assert.Equal(PerfEvents.ReadSize(Format, 2), n);
        var r = PerfReadView.Parse(buffer.AsSpan(0, n), Format);
        Assert.Equal(2, r.Count);
        Assert.Equal(PerfEvents.GetId(leader), r.Id(0));
        Assert.Equal(PerfEvents.GetId(member), r.Id(1));
    }
}
