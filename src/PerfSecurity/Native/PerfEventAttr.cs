using System.Runtime.InteropServices;

namespace PerfSecurity.Native;

/// <summary>struct perf_event_attr, size version 8 (136 bytes, config3). Identical on x86_64 and aarch64.</summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
public struct PerfEventAttr
{
    public const int Size = 136;

    [FieldOffset(0)] public uint Type;
    [FieldOffset(4)] public uint AttrSize;
    [FieldOffset(8)] public ulong Config;
    [FieldOffset(16)] public ulong SamplePeriod;
    [FieldOffset(24)] public ulong SampleType;
    [FieldOffset(32)] public ulong ReadFormat;
    [FieldOffset(40)] public ulong Flags;
    [FieldOffset(48)] public uint WakeupEvents;
    [FieldOffset(52)] public uint BpType;
    [FieldOffset(56)] public ulong Config1;
    [FieldOffset(64)] public ulong Config2;
    [FieldOffset(72)] public ulong BranchSampleType;
    [FieldOffset(80)] public ulong SampleRegsUser;
    [FieldOffset(88)] public uint SampleStackUser;
    [FieldOffset(92)] public int ClockId;
    [FieldOffset(96)] public ulong SampleRegsIntr;
    [FieldOffset(104)] public uint AuxWatermark;
    [FieldOffset(108)] public ushort SampleMaxStack;
    [FieldOffset(110)] public ushort Reserved2;
    [FieldOffset(112)] public uint AuxSampleSize;
    [FieldOffset(116)] public uint Reserved3;
    [FieldOffset(120)] public ulong SigData;
    [FieldOffset(128)] public ulong Config3;

    public bool Disabled { readonly get => Get(PerfEvents.FlagDisabled); set => Set(PerfEvents.FlagDisabled, value); }
    public bool Inherit { readonly get => Get(PerfEvents.FlagInherit); set => Set(PerfEvents.FlagInherit, value); }
    public bool ExcludeUser { readonly get => Get(PerfEvents.FlagExcludeUser); set => Set(PerfEvents.FlagExcludeUser, value); }
    public bool ExcludeKernel { readonly get => Get(PerfEvents.FlagExcludeKernel); set => Set(PerfEvents.FlagExcludeKernel, value); }
    public bool ExcludeHv { readonly get => Get(PerfEvents.FlagExcludeHv); set => Set(PerfEvents.FlagExcludeHv, value); }
    public bool ExcludeIdle { readonly get => Get(PerfEvents.FlagExcludeIdle); set => Set(PerfEvents.FlagExcludeIdle, value); }
    public bool ExcludeHost { readonly get => Get(PerfEvents.FlagExcludeHost); set => Set(PerfEvents.FlagExcludeHost, value); }
    public bool ExcludeGuest { readonly get => Get(PerfEvents.FlagExcludeGuest); set => Set(PerfEvents.FlagExcludeGuest, value); }
    public bool Pinned { readonly get => Get(PerfEvents.FlagPinned); set => Set(PerfEvents.FlagPinned, value); }
    public bool Exclusive { readonly get => Get(PerfEvents.FlagExclusive); set => Set(PerfEvents.FlagExclusive, value); }

    /// <summary>The two precise_ip bits (15-16): 0 arbitrary skid … 3 zero skid.</summary>
    public int PreciseIp
    {
        readonly get => (int)(Flags >> 15 & 3);
        set => Flags = (Flags & ~(3UL << 15)) | ((ulong)(value & 3) << 15);
    }
    public bool EnableOnExec { readonly get => Get(PerfEvents.FlagEnableOnExec); set => Set(PerfEvents.FlagEnableOnExec, value); }

    private readonly bool Get(ulong bit) => (Flags & bit) != 0;
    private void Set(ulong bit, bool on) => Flags = on ? Flags | bit : Flags & ~bit;
}
