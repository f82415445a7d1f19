
namespace PerfSecurity.Counting;

/// <summary>One term of an event string or of a PMU alias file: key=number, key=string, or a bare key (number 1).</summary>
public sealed class EventTerm
{
    internal EventTerm(EventTermType type, string? key, ulong number, string? text)
    {
        Type = type;
        Key = key;
        Number = number;
        Text = text;
    }

    public EventTermType Type { get; }
    /// <summary>The field or alias name of a User term.</summary>
    public string? Key { get; }
    public ulong Number { get; }
    /// <summary>The value of a string term (null for numbers).</summary>
    public string? Text { get; }
    public bool IsString => Text is not null;
    /// <summary>Consumed as the value of a "=?" term, so not applied again on its own.</summary>
    internal bool Used { get; set; }

    internal EventTerm Clone() => new(Type, Key, Number, Text);
}
