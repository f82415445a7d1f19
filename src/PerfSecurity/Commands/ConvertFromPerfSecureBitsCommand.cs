using System.Management.Automation;
using PerfSecurity.Capabilities;
using PerfSecurity.Module;

namespace PerfSecurity.Commands;

[Cmdlet(VerbsData.ConvertFrom, "PerfSecureBits")]
[OutputType(typeof(SecureBitsValue))]
public sealed class ConvertFromPerfSecureBitsCommand : PerfCmdlet
{
    /// <summary>A number (239, 0xef, 0357 as text) or SECBIT_* names.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("SecureBits", "Value")]
    [SecureBitsTransformation]
    [ArgumentCompleter(typeof(SecureBitsNameCompleter))]
    public string[] InputObject { get; set; } = Array.Empty<string>();

    protected override void ProcessRecord()
    {
        foreach (string s in InputObject)
            Try(() => WriteObject(new SecureBitsValue(SecureBitsText.Parse(s))));
    }
}

/// <summary>Keeps number literals as typed (0357 stays octal); integers become their decimal text.</summary>
internal sealed class SecureBitsTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        => inputData is Array array ? array.Cast<object>().Select(One).ToArray() : One(inputData);

    private static object One(object item)
    {
        object value = item is PSObject pso ? pso.BaseObject : item;
        return value switch
        {
            string s => s,
            sbyte or byte or short or ushort or int or uint or long or ulong => item is PSObject p ? p.ToString() : value.ToString()!,
            _ => item, // not a number: let the binder try the object's properties
        };
    }
}
