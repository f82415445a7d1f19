namespace PerfSecurity.Counting;

/// <summary>
/// Events the kernel schedules and reads together (a group: leader first, members opened with its descriptor as
/// group_fd), or one event counted alone.
/// </summary>
public sealed class EventGroup
{
    public EventGroup(IReadOnlyList<EventDefinition> members, string? text)
    {
        if (members.Count == 0) throw new ArgumentException("A group has at least one event.", nameof(members));
        Members = members;
        Text = text;
    }

    /// <summary>The events, leader first.</summary>
    public IReadOnlyList<EventDefinition> Members { get; }

    /// <summary>The group as written ("{task-clock,page-faults}:u"), or null for an event counted alone.</summary>
    public string? Text { get; }

    public bool IsGroup => Text is not null;

    public EventDefinition Leader => Members[0];

    public override string ToString() => Text ?? Leader.Name;
}
