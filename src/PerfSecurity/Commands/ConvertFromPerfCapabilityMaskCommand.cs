using System.Globalization;
using System.Management.Automation;
using PerfSecurity.Capabilities;
using PerfSecurity.Errors;
using PerfSecurity.Module;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsData.ConvertFrom, "PerfCapabilityMask")]
[OutputType(typeof(CapabilityMask))]
public sealed class ConvertFromPerfCapabilityMaskCommand : PerfCmdlet
{
    /// <summary>Hex text as in /proc (0x optional); integers are taken as the mask value.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("CapPrm", "CapEff", "CapInh", "CapBnd", "CapAmb")]
    [MaskTransformation]
    public string[] Mask { get; set; } = Array.Empty<string>();

    protected override void ProcessRecord()
    {
        foreach (string m in Mask)
            Try(() => WriteObject(new CapabilityMask(Parse(m))));
    }

    internal static CapabilitySet Parse(string m)
        => m.StartsWith(MaskTransformationAttribute.NumberPrefix, StringComparison.Ordinal)
            ? new CapabilitySet(ulong.Parse(m.AsSpan(MaskTransformationAttribute.NumberPrefix.Length), CultureInfo.InvariantCulture))
            : CapabilitySet.ParseMask(m);
}

/// <summary>
/// Keeps hex text as text and marks integers as numbers; a bare /proc mask typed on the command line
/// (0000004000000000) arrives as an integer literal, so its original text is used instead.
/// </summary>
internal sealed class MaskTransformationAttribute : ArgumentTransformationAttribute
{
    internal const string NumberPrefix = "#";

    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        if (inputData is Array array)
            return array.Cast<object>().Select(One).ToArray();
        return One(inputData);
    }

    private static object One(object item)
    {
        object value = item is PSObject pso ? pso.BaseObject : item;
        string? typed = item is PSObject p ? p.ToString() : null;
        switch (value)
        {
            case sbyte or byte or short or ushort or int or uint or long or ulong:
                string number = Convert.ToString(value, CultureInfo.InvariantCulture)!;
                if (typed is not null && typed != number && !typed.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
                    return typed; // the literal's text: a hex mask
                if (value is sbyte or short or int or long && Convert.ToInt64(value, CultureInfo.InvariantCulture) < 0)
                    return number; // rejected later as not hex
                return NumberPrefix + number;
            case string s:
                return s;
            default:
                return item; // not a mask: let the binder try the object's properties

        }
    }
}
