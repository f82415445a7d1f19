using System.Globalization;
using System.Management.Automation;

namespace PerfSecurity.Module;

/// <summary>
/// An -Interval as people write it: 1s, 500ms, 2m, 1h, a number of seconds (1, 0.5), a TimeSpan or its text
/// (00:00:01). Without it PowerShell would read the number 1 as one tick of 100 ns.
/// </summary>
internal sealed class IntervalTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        object value = inputData is PSObject pso ? pso.BaseObject : inputData;
        return value switch
        {
            TimeSpan t => t,
            sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal
                => TimeSpan.FromSeconds(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
            string s => Parse(s),
            _ => inputData,
        };
    }

    private static TimeSpan Parse(string text)
    {
        string s = text.Trim();
        (string number, double scale) = s.EndsWith("ms", StringComparison.OrdinalIgnoreCase) ? (s[..^2], 1e-3)
            : s.EndsWith('s') || s.EndsWith('S') ? (s[..^1], 1)
            : s.EndsWith('m') || s.EndsWith('M') ? (s[..^1], 60)
            : s.EndsWith('h') || s.EndsWith('H') ? (s[..^1], 3600)
            : (s, 1);
        if (double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double amount))
            return TimeSpan.FromSeconds(amount * scale);
        if (TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out TimeSpan span)) return span;
        throw new ArgumentTransformationMetadataException(
            $"'{text}' is not an interval: write it as 1s, 500ms, 2m, a number of seconds, or hh:mm:ss.");
    }
}
