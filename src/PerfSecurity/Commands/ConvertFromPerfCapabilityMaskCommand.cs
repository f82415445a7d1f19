using System.Globalization;
using System.Management.Automation;
using PerfSecurity.Capabilities;
using PerfSecurity.Module;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsData.ConvertFrom, "PerfCapabilityMask")]
[OutputType(typeof(CapabilityMask))]
public sealed class ConvertFromPerfCapabilityMaskCommand : PerfCmdlet
{
    private static readonly string[] MaskNames = { nameof(Mask), "CapPrm", "CapEff", "CapInh", "CapBnd", "CapAmb" };

    /// <summary>
    /// Text and numbers typed on the command line are hex, as capsh --decode reads its argument (0x optional,
    /// up to 16 digits); numbers that are computed or come from the pipeline are the mask value.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("CapPrm", "CapEff", "CapInh", "CapBnd", "CapAmb")]
    [MaskTransformation]
    public string[] Mask { get; set; } = Array.Empty<string>();

    private string?[]? _typed;

    protected override void BeginProcessing()
    {
        // Bound before the first record means given on the command line: recover how its numbers were written.
        if (MyInvocation.BoundParameters.ContainsKey(nameof(Mask)))
            _typed = LiteralArguments.NumberTexts(MyInvocation, MaskNames);
    }

    protected override void ProcessRecord()
    {
        string?[]? typed = _typed is { } t && t.Length == Mask.Length ? t : null;
        for (int i = 0; i < Mask.Length; i++)
        {
            string m = Mask[i];
            string? text = typed?[i];
            Try(() => WriteObject(new CapabilityMask(Parse(m, text))));
        }
    }

    /// <summary>A marked value is the mask itself unless it was typed as a literal, whose text is then read as hex.</summary>
    internal static CapabilitySet Parse(string m, string? typed = null)
    {
        if (!m.StartsWith(MaskTransformationAttribute.ValuePrefix, StringComparison.Ordinal)) return CapabilitySet.ParseMask(m);
        if (typed is not null) return CapabilitySet.ParseMask(typed);
        string number = m[MaskTransformationAttribute.ValuePrefix.Length..];
        // A negative or fractional value is no mask; ParseMask says so with the usual error.
        return ulong.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out ulong value) ? new CapabilitySet(value) : CapabilitySet.ParseMask(number);
    }
}

/// <summary>
/// Keeps text as text and marks whole non-negative numbers as mask values. A literal whose text PowerShell kept
/// (0000004000000000, 0x8000000000000000, which it reads as a negative Int64) becomes that text.
/// </summary>
internal sealed class MaskTransformationAttribute : ArgumentTransformationAttribute
{
    /// <summary>Marks a mask value; a NUL cannot come from typed text.</summary>
    internal const string ValuePrefix = "\0#";

    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        if (inputData is Array array)
            return array.Cast<object>().Select(One).ToArray();
        return One(inputData);
    }

    private static object One(object item)
    {
        object value = item is PSObject pso ? pso.BaseObject : item;
        switch (value)
        {
            case sbyte or byte or short or ushort or int or uint or long or ulong or decimal:
                string number = Convert.ToString(value, CultureInfo.InvariantCulture)!;
                string? typed = item is PSObject p ? p.ToString() : null;
                if (typed is not null && typed != number) return typed;
                return ValuePrefix + number;
            case string s:
                return s;
            default:
                return item; // not a mask: let the binder try the object's properties
        }
    }
}
