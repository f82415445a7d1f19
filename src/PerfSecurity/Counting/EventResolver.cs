using System.Globalization;
using PerfSecurity.Errors;
using PerfSecurity.Native;

namespace PerfSecurity.Counting;

/// <summary>The kinds of term between a PMU's slashes: sysfs format fields and aliases (User), and perf's own keywords.</summary>
public enum EventTermType
{
    User, Config, Config1, Config2, Config3, Name, Period, Freq, BranchType, Time, CallGraph, StackSize, MaxStack, Nr,
    Inherit, NoInherit, Overwrite, NoOverwrite, Percore, AuxOutput, AuxSampleSize, MetricId, DriverConfig,
}

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

/// <summary>
/// Turns event strings into attributes as perf 6.1 does (tools/perf/util/parse-events.l/.y, parse-events.c, pmu.c,
/// with perf stat's term rules): generic names and aliases, legacy cache names with their spellings, tool events,
/// PMU terms and aliases (with "=?" parameters), raw codes, type:config numbers, tracepoints, mem: breakpoints,
/// and the modifiers u k h G H I p P S D W e b; lists and groups of them (-Event). Globs and BPF files are refused.
/// </summary>
public sealed class EventResolver
{
    private readonly string _pmuRoot;
    private readonly Func<string?> _tracefs;
    private readonly Dictionary<string, PmuInfo?> _pmus = new(StringComparer.Ordinal);
    private List<PmuInfo>? _all;
    private Dictionary<string, PmuSymbol>? _symbols;

    /// <param name="pmuRoot">Where the PMUs are described (sysfs).</param>
    /// <param name="tracefs">A tracefs to use; by default the mounted one, mounted first (as perf does) when a tracepoint needs it and this process may.</param>
    /// <param name="verbose">Hears that tracefs was mounted, or why it could not be.</param>
    public EventResolver(string pmuRoot = PmuInfo.DefaultRoot, string? tracefs = null, Action<string>? verbose = null)
    {
        _pmuRoot = pmuRoot;
        _tracefs = tracefs is null ? () => Tracefs.LocateOrMount(verbose) : () => tracefs;
    }

    /// <summary>One event: the string may not be a list or a group (Get-PerfEvent describes one event at a time).</summary>
    public EventDefinition Resolve(string text)
    {
        string s = (text ?? "").Trim();
        if (s.Length == 0) throw Syntax(text ?? "", "the event string is empty");
        var p = new Parser(EventLexer.Tokenize(s, SymbolOf), s, list: false);
        EventDefinition def = ParseEvent(p);
        CheckTail(p);
        if (p.Peek.Kind == Tok.Modifier) def = WithModifiers(def, p.Next().Text, s);
        return def;
    }

    /// <summary>
    /// Resolves -Event strings as perf stat -e reads them (parse-events.y's groups rule): each string is a
    /// comma-separated list of events and groups, "{a,b}:u,c" or "name{a,b}". A group's modifiers are added to each
    /// member's own (pinned and exclusive to the leader only). With <paramref name="groupAll"/> every event the kernel
    /// counts joins one group, in the order given; perf's tool events (duration_time, user_time, system_time) stay
    /// outside it, since the kernel does not count them.
    /// </summary>
    public IReadOnlyList<EventGroup> ResolveGroups(IEnumerable<string> texts, bool groupAll = false)
    {
        var groups = new List<EventGroup>();
        foreach (string text in texts) groups.AddRange(ParseList(text ?? ""));
        if (!groupAll || groups.Count == 0) return groups;
        if (groups.FirstOrDefault(g => g.IsGroup) is { } braced)
            throw new PerfSecurityException("PerfEventGroupConflict", FailureKind.InvalidArgument,
                $"-Group puts every event in one group, and '{braced.Text}' is a group of its own: use either -Group or braces.", braced.Text!);
        var counted = groups.Select(g => g.Leader).Where(e => !e.IsTool).ToList();
        var all = new List<EventGroup>();
        if (counted.Count > 0)
        {
            string text = "{" + string.Join(",", counted.Select(e => e.Name)) + "}";
            CheckGroup(counted, text);
            all.Add(new EventGroup(counted, text));
        }
        all.AddRange(groups.Where(g => g.Leader.IsTool));
        return all;
    }

    private List<EventGroup> ParseList(string text)
    {
        string s = text.Trim();
        if (s.Length == 0) throw Syntax(text, "the event string is empty");
        var p = new Parser(EventLexer.Tokenize(s, SymbolOf), s, list: true);
        var result = new List<EventGroup>();
        while (true)
        {
            if (p.Peek.Kind == Tok.LBrace || p.Peek.Kind == Tok.Name && p.PeekAt(1).Kind == Tok.LBrace)
                result.Add(ParseGroup(p));
            else
                result.Add(new EventGroup(new[] { ParseListedEvent(p) }, null));
            if (p.Accept(Tok.Comma))
            {
                if (p.Peek.Kind == Tok.End) throw Syntax(s, "it ends with ','");
                continue;
            }
            if (p.Peek.Kind == Tok.End) return result;
            throw Syntax(s, $"unexpected '{p.Peek.Text}' at position {p.Peek.Position + 1}");
        }
    }

    // One event of a list, named by its own text ("page-faults:u" in "{task-clock,page-faults:u}") as perf names it.
    private EventDefinition ParseListedEvent(Parser p)
    {
        int start = p.Peek.Position;
        EventDefinition def = ParseEvent(p);
        CheckTail(p);
        if (p.Peek.Kind == Tok.Modifier) def = WithModifiers(def, p.Next().Text, p.Text);
        string piece = p.Text[start..p.Peek.Position].Trim();
        return def.Name == p.Text && piece != p.Text ? def with { Name = piece } : def; // a name= term keeps its name
    }

    // group_def [':' modifiers]: '{' events '}' or name '{' events '}'; groups do not nest.
    private EventGroup ParseGroup(Parser p)
    {
        string s = p.Text;
        int start = p.Peek.Position;
        if (p.Peek.Kind == Tok.Name) p.Next(); // perf's group name: kept in the group's text only
        p.Expect(Tok.LBrace, "a group is written {a,b}");
        var members = new List<EventDefinition>();
        while (true)
        {
            if (p.Peek.Kind == Tok.LBrace || p.Peek.Kind == Tok.Name && p.PeekAt(1).Kind == Tok.LBrace)
                throw Syntax(s, "groups cannot be nested");
            if (p.Peek.Kind is Tok.RBrace or Tok.Comma)
                throw Syntax(s, members.Count == 0 && p.Peek.Kind == Tok.RBrace ? "the group is empty" : $"an empty event at position {p.Peek.Position + 1}");
            members.Add(ParseListedEvent(p));
            if (p.Accept(Tok.Comma)) continue;
            p.Expect(Tok.RBrace, "a group ends with '}'");
            break;
        }
        if (p.Accept(Tok.Colon))
        {
            Token m = p.Next();
            if (m.Kind != Tok.Modifier) throw BadModifier(m.Text, s);
            for (int i = 0; i < members.Count; i++) members[i] = WithModifiers(members[i], m.Text, s, group: true, leader: i == 0);
        }
        string text = s[start..p.Peek.Position].Trim();
        CheckGroup(members, text);
        return new EventGroup(members, text);
    }

    // What the kernel would refuse in a group, said before anything is opened.
    private static void CheckGroup(List<EventDefinition> members, string text)
    {
        if (members.FirstOrDefault(e => e.IsTool) is { } tool)
            throw new PerfSecurityException("PerfEventGroupToolEvent", FailureKind.InvalidArgument,
                $"'{tool.Name}' cannot be in the group '{text}': it is measured by this tool, not counted by the kernel, so it cannot be scheduled with the group. Give it outside the braces.", text);
        for (int i = 1; i < members.Count; i++)
        {
            if (members[i].Pinned || members[i].Exclusive)
                throw new PerfSecurityException("PerfEventGroupMemberPinned", FailureKind.InvalidArgument,
                    $"'{members[i].Name}' in '{text}' is pinned (D) or exclusive (e), which the kernel allows only for a group's leader (its first event). Put the modifier on the group instead, such as {{a,b}}:D.", text);
        }
    }

    // What may follow an event: modifiers, then the end (in a list also ',' or a group's '}'). Checked before an
    // event is looked up, so that a malformed string is reported as such.
    private static void CheckTail(Parser p)
    {
        int i = p.Peek.Kind == Tok.Modifier ? 1 : 0;
        Token next = p.PeekAt(i);
        bool ends = next.Kind == Tok.End || p.IsList && next.Kind is Tok.Comma or Tok.RBrace;
        Token after = p.PeekAt(1);
        if (i == 0 && next.Kind == Tok.Name && (after.Kind == Tok.End || p.IsList && after.Kind is Tok.Comma or Tok.RBrace)
            && p.Previous.Kind is Tok.Colon or Tok.Slash)
            throw BadModifier(next.Text, p.Text);
        if (ends) return;
        if (next.Kind == Tok.Comma)
            throw Syntax(p.Text, "one event per string here: Get-PerfEvent describes one event at a time");
        throw Syntax(p.Text, next.Kind == Tok.Error ? $"'{next.Text}' does not fit in 64 bits" : $"unexpected '{next.Text}' at position {next.Position + 1}");
    }

    private EventDefinition ParseEvent(Parser p)
    {
        Token t = p.Next();
        string s = p.Text;
        switch (t.Kind)
        {
            case Tok.SymHw or Tok.SymSw:
            {
                GenericEvents.Generic g = GenericEvents.FindSymbol(t.Text)!;
                var def = new EventDefinition { Name = s, Kind = g.Kind, Type = g.Type, Config = g.Config, Unit = IsClock(g) ? "ns" : null };
                if (p.Accept(Tok.Slash))
                {
                    if (p.Accept(Tok.Slash)) return def;
                    List<EventTerm> terms = ParseTerms(p);
                    p.Expect(Tok.Slash, "terms end with '/'");
                    return ApplyCommonTerms(def, terms);
                }
                p.Accept(Tok.Colon);
                return def;
            }
            case Tok.SymTool:
            {
                GenericEvents.Generic g = GenericEvents.FindSymbol(t.Text)!;
                if (p.Accept(Tok.Slash)) p.Expect(Tok.Slash, "tool events take no terms");
                else p.Accept(Tok.Colon);
                return new EventDefinition { Name = s, Kind = PerfEventType.Tool, Type = g.Type, Config = g.Config, Unit = "ns", ToolName = g.Name };
            }
            case Tok.CacheType:
            {
                var parts = new List<string>();
                while (parts.Count < 2 && p.Peek.Kind == Tok.Minus && p.PeekAt(1).Kind == Tok.CacheOpResult)
                {
                    p.Next();
                    parts.Add(p.Next().Text);
                }
                EventDefinition def = Cache(s, t.Text, parts);
                def = ApplyCommonTerms(def, OptionalTerms(p));
                p.Accept(Tok.Colon);
                return def;
            }
            case Tok.PrefixMem:
                return Breakpoint(p);
            case Tok.Value:
            {
                p.Expect(Tok.Colon, "a numeric event is written type:config");
                Token config = p.Expect(Tok.Value, "a numeric event is written type:config");
                EventDefinition def = Numeric(s, (uint)t.Number, config.Number);
                def = ApplyCommonTerms(def, OptionalTerms(p));
                p.Accept(Tok.Colon);
                return def;
            }
            case Tok.Raw:
            {
                var def = new EventDefinition { Name = s, Kind = PerfEventType.Hardware, Type = PerfEvents.TypeRaw, Config = t.Number };
                def = ApplyCommonTerms(def, OptionalTerms(p));
                p.Accept(Tok.Colon);
                return def;
            }
            case Tok.KernelPmuEvent:
            {
                List<EventTerm>? terms = null;
                if (p.Peek.Kind == Tok.Slash) terms = PmuTerms(p);
                else p.Accept(Tok.Colon);
                return AliasOnEveryPmu(s, t.Text, terms);
            }
            case Tok.PmuPrefix when p.Peek.Kind == Tok.Minus:
            {
                p.Next();
                string name = t.Text + "-" + p.Expect(Tok.PmuSuffix, "not a PMU event alias").Text;
                if (p.Accept(Tok.Minus)) name += "-" + p.Expect(Tok.PmuSuffix2, "not a PMU event alias").Text;
                p.Accept(Tok.Colon);
                return AliasOnEveryPmu(s, name, null);
            }
            case Tok.Name or Tok.PmuPrefix when p.Peek.Kind == Tok.Slash:
            {
                List<EventTerm>? terms = PmuTerms(p);
                CheckTail(p);
                return Pmu(s, t.Text, terms);
            }
            case Tok.Name when p.Peek.Kind == Tok.Colon || p.Peek.Kind == Tok.Minus && p.PeekAt(1).Kind == Tok.Name && p.PeekAt(2).Kind == Tok.Colon:
            {
                string subsystem = t.Text;
                if (p.Accept(Tok.Minus)) subsystem += "-" + p.Expect(Tok.Name, "tracepoints are written subsystem:event").Text;
                p.Expect(Tok.Colon, "tracepoints are written subsystem:event");
                string name = p.Expect(Tok.Name, "tracepoints are written subsystem:event").Text;
                if (OptionalTerms(p) is { Count: > 0 })
                    throw new PerfSecurityException("PerfEventTermNotForCounting", FailureKind.InvalidArgument,
                        $"In '{s}', a tracepoint takes no terms when counting (perf stat refuses them too).", s);
                p.Accept(Tok.Colon);
                CheckTail(p);
                return Tracepoint(s, subsystem, name);
            }
            case Tok.Name or Tok.PmuSuffix or Tok.PmuSuffix2 or Tok.CacheOpResult or Tok.Modifier:
                throw NotFound(s, $"'{t.Text}' is not a known event (event names are case-sensitive). Get-PerfEvent lists the events of this machine; PMU events are written pmu/term,…/ and tracepoints subsystem:event.");
            case Tok.LBrace:
                throw new PerfSecurityException("PerfEventGroupNotSupported", FailureKind.InvalidArgument,
                    $"'{s}' is an event group: Get-PerfEvent describes one event at a time. Groups ({{a,b}}) are counted by Start-PerfCounterSession and Measure-PerfCommand.", s);
            default:
                throw Syntax(s, t.Kind == Tok.End ? "the event string is empty" : $"unexpected '{t.Text}' at position {t.Position + 1}");
        }
    }

    private static bool IsClock(GenericEvents.Generic g)
        => g.Type == PerfEvents.TypeSoftware && g.Config is GenericEvents.SwCpuClock or GenericEvents.SwTaskClock;

    // opt_event_config: "/terms/", "//" or nothing.
    private static List<EventTerm>? OptionalTerms(Parser p)
        => p.Peek.Kind == Tok.Slash ? PmuTerms(p) : null;

    // opt_pmu_config: "/terms/" or "//".
    private static List<EventTerm>? PmuTerms(Parser p)
    {
        p.Expect(Tok.Slash, "PMU events are written pmu/term,term=value/");
        if (p.Accept(Tok.Slash)) return null;
        List<EventTerm> terms = ParseTerms(p);
        p.Expect(Tok.Slash, "the terms end with '/'");
        return terms;
    }

    private static List<EventTerm> ParseTerms(Parser p)
    {
        var terms = new List<EventTerm> { ParseTerm(p) };
        while (p.Accept(Tok.Comma)) terms.Add(ParseTerm(p));
        return terms;
    }

    private static EventTerm ParseTerm(Parser p)
    {
        Token t = p.Next();
        switch (t.Kind)
        {
            case Tok.Raw:
                return new EventTerm(EventTermType.Config, null, t.Number, null);
            case Tok.DriverConfig:
                return new EventTerm(EventTermType.DriverConfig, t.Text, 0, t.Text);
            case Tok.Name or Tok.Term:
            {
                EventTermType type = t.Kind == Tok.Name ? EventTermType.User : KeywordType(t.Text);
                string? key = type == EventTermType.User ? t.Text : null;
                if (p.Peek.Kind == Tok.LBracket)
                    throw Syntax(p.Text, $"indexed terms ({t.Text}[…]) are not supported");
                if (!p.Accept(Tok.Equals)) return new EventTerm(type, key, 1, null);
                Token v = p.Next();
                return v.Kind switch
                {
                    Tok.Value => new EventTerm(type, key, v.Number, null),
                    Tok.Name => new EventTerm(type, key, 0, v.Text),
                    Tok.Error => throw Syntax(p.Text, $"'{v.Text}' does not fit in 64 bits"),
                    _ => throw Syntax(p.Text, $"'{t.Text}=' needs a decimal or 0x hexadecimal number"),
                };
            }
            case Tok.Error:
                throw Syntax(p.Text, $"'{t.Text}' does not fit in 64 bits");
            default:
                throw Syntax(p.Text, t.Kind is Tok.Comma or Tok.Slash ? "an empty term" : $"'{t.Text}' is not a term");
        }
    }

    private static EventTermType KeywordType(string keyword) => keyword switch
    {
        "config" => EventTermType.Config,
        "config1" => EventTermType.Config1,
        "config2" => EventTermType.Config2,
        "config3" => EventTermType.Config3,
        "name" => EventTermType.Name,
        "period" => EventTermType.Period,
        "freq" => EventTermType.Freq,
        "branch_type" => EventTermType.BranchType,
        "time" => EventTermType.Time,
        "call-graph" => EventTermType.CallGraph,
        "stack-size" => EventTermType.StackSize,
        "max-stack" => EventTermType.MaxStack,
        "nr" => EventTermType.Nr,
        "inherit" => EventTermType.Inherit,
        "no-inherit" => EventTermType.NoInherit,
        "overwrite" => EventTermType.Overwrite,
        "no-overwrite" => EventTermType.NoOverwrite,
        "percore" => EventTermType.Percore,
        "aux-output" => EventTermType.AuxOutput,
        "aux-sample-size" => EventTermType.AuxSampleSize,
        _ => EventTermType.MetricId,
    };

    /// <summary>The terms of a PMU alias file (parse_events_terms), or null when perf could not parse them either.</summary>
    internal static IReadOnlyList<EventTerm>? ParseAliasTerms(string text)
    {
        try
        {
            var p = new Parser(EventLexer.Tokenize(text, _ => PmuSymbol.None, termsOnly: true), text, list: false);
            List<EventTerm> terms = ParseTerms(p);
            p.Expect(Tok.End, "an alias holds terms only");
            return terms;
        }
        catch (PerfSecurityException)
        {
            return null;
        }
    }

    /// <summary>
    /// perf's keyword terms (config_term_common) as perf stat allows them: config, config1, config2 (and config3) set
    /// the word; name renames the event; period, percore and metric-id change nothing when counting; the others are
    /// refused. For PMU events the User (sysfs) terms are left to the format fields.
    /// </summary>
    private static EventDefinition ApplyCommonTerms(EventDefinition def, List<EventTerm>? terms, bool pmu = false)
    {
        if (terms is null) return def;
        string s = def.Name;
        string? name = null;
        foreach (EventTerm t in terms)
        {
            if (pmu && t.Type is EventTermType.User or EventTermType.DriverConfig) continue;
            bool wantsString = t.Type is EventTermType.Name or EventTermType.MetricId or EventTermType.BranchType or EventTermType.CallGraph;
            if (t.Type is EventTermType.User or EventTermType.DriverConfig)
                throw UnknownTerm(s, t.Key ?? t.Text ?? "", "this event has no format fields: use config, config1, config2, name or period");
            if (wantsString != t.IsString)
                throw new PerfSecurityException("PerfEventTermType", FailureKind.InvalidArgument,
                    $"In '{s}', {TermName(t)} expects {(wantsString ? "a string" : "a number")}.", s);
            switch (t.Type)
            {
                case EventTermType.Config: def = def with { Config = t.Number }; break;
                case EventTermType.Config1: def = def with { Config1 = t.Number }; break;
                case EventTermType.Config2: def = def with { Config2 = t.Number }; break;
                case EventTermType.Config3: def = def with { Config3 = t.Number }; break;
                case EventTermType.Name: name ??= t.Text; break;
                case EventTermType.Percore when t.Number > 1:
                    throw new PerfSecurityException("PerfEventTermType", FailureKind.InvalidArgument, $"In '{s}', percore expects 0 or 1.", s);
                case EventTermType.Period or EventTermType.Percore or EventTermType.MetricId: break;
                default:
                    throw new PerfSecurityException("PerfEventTermNotForCounting", FailureKind.InvalidArgument,
                        $"In '{s}', {TermName(t)} is a sampling or recording term: it has no meaning when counting (perf stat refuses it too).", s);
            }
        }
        return name is null ? def : def with { Name = name };
    }

    private static string TermName(EventTerm t)
        => t.Type == EventTermType.User ? t.Key! : t.Type switch
        {
            EventTermType.BranchType => "branch_type",
            EventTermType.CallGraph => "call-graph",
            EventTermType.StackSize => "stack-size",
            EventTermType.MaxStack => "max-stack",
            EventTermType.NoInherit => "no-inherit",
            EventTermType.NoOverwrite => "no-overwrite",
            EventTermType.AuxOutput => "aux-output",
            EventTermType.AuxSampleSize => "aux-sample-size",
            EventTermType.MetricId => "metric-id",
            var x => x.ToString().ToLowerInvariant(),
        };

    private static EventDefinition Cache(string text, string typeWord, List<string> parts)
    {
        int cache = GenericEvents.MatchAlias(typeWord, GenericEvents.CacheTypes);
        int op = -1, result = -1;
        // parse_events_add_cache: the first part that names an op is the op, the first that names a result is the
        // result; a part that is neither, or a second op, is ignored.
        foreach (string part in parts)
        {
            if (op == -1)
            {
                int o = GenericEvents.MatchAlias(part, GenericEvents.CacheOps);
                if (o >= 0)
                {
                    if (!GenericEvents.IsCacheOpValid(cache, o))
                        throw new PerfSecurityException("PerfEventInvalidCacheOp", FailureKind.InvalidArgument,
                            $"'{text}': {GenericEvents.CacheTypes[cache][0]} has no {GenericEvents.CacheOps[o][0]} events. " +
                            $"It has: {string.Join(", ", Enumerable.Range(0, 3).Where(i => GenericEvents.IsCacheOpValid(cache, i)).Select(i => GenericEvents.CacheOps[i][0]))}.", text);
                    op = o;
                    continue;
                }
            }
            if (result == -1) result = GenericEvents.MatchAlias(part, GenericEvents.CacheResults);
        }
        ulong config = (uint)cache | (uint)Math.Max(op, 0) << 8 | (uint)Math.Max(result, 0) << 16;
        return new EventDefinition { Name = text, Kind = PerfEventType.HardwareCache, Type = PerfEvents.TypeHwCache, Config = config };
    }

    private EventDefinition Numeric(string text, uint type, ulong config)
    {
        PerfEventType kind = type switch
        {
            PerfEvents.TypeHardware or PerfEvents.TypeRaw => PerfEventType.Hardware,
            PerfEvents.TypeSoftware => PerfEventType.Software,
            PerfEvents.TypeTracepoint => PerfEventType.Tracepoint,
            PerfEvents.TypeHwCache => PerfEventType.HardwareCache,
            PerfEvents.TypeBreakpoint => PerfEventType.Breakpoint,
            _ => PerfEventType.Pmu,
        };
        string pmu = kind == PerfEventType.Pmu ? AllPmus().FirstOrDefault(x => x.Type == type)?.Name ?? "" : "";
        return new EventDefinition { Name = text, Kind = kind, Type = type, Config = config, Pmu = pmu };
    }

    // mem:ADDR[/LEN][:rwx] (parse_events_add_breakpoint): read+write by default; the length defaults to 4, or to
    // sizeof(long) for an execute breakpoint.
    private static EventDefinition Breakpoint(Parser p)
    {
        string s = p.Text;
        ulong address = p.Expect(Tok.Value, "breakpoints are written mem:ADDRESS[/LENGTH][:rwx]").Number;
        ulong length = 0;
        if (p.Accept(Tok.Slash)) length = p.Expect(Tok.Value, "the breakpoint length is a number").Number;
        string? access = null;
        if (p.Accept(Tok.Colon))
        {
            if (p.Peek.Kind == Tok.ModifierBp)
            {
                access = p.Next().Text;
                p.Accept(Tok.Colon);
            }
        }
        uint type = 0;
        foreach (char c in access ?? "")
        {
            uint bit = c switch { 'r' => 1u, 'w' => 2u, _ => 4u };
            if ((type & bit) != 0)
                throw new PerfSecurityException("PerfEventBadBreakpoint", FailureKind.InvalidArgument,
                    $"'{s}' names the access '{c}' twice: use r, w and x at most once each (such as :rw).", s);
            type |= bit;
        }
        if (type == 0) type = 3;
        if (length == 0) length = type == 4 ? (ulong)IntPtr.Size : 4;
        return new EventDefinition
        {
            Name = s, Kind = PerfEventType.Breakpoint, Type = PerfEvents.TypeBreakpoint, Pmu = "breakpoint",
            Config1 = address, Config2 = length, BreakpointType = type,
        };
    }

    private EventDefinition Tracepoint(string text, string subsystem, string name)
    {
        if (subsystem.IndexOfAny(Globs) >= 0 || name.IndexOfAny(Globs) >= 0)
            throw new PerfSecurityException("PerfEventWildcardNotSupported", FailureKind.InvalidArgument,
                $"'{text}' is a pattern: name one tracepoint per string (Get-PerfEvent '{text}' lists the matching ones).", text);
        string? root = _tracefs();
        if (root is null)
            throw new PerfSecurityException("PerfEventTracefsNotMounted", FailureKind.ResourceUnavailable,
                $"'{text}' is a tracepoint, but tracefs is not mounted (neither /sys/kernel/tracing nor /sys/kernel/debug/tracing). Mount it as root: mount -t tracefs nodev /sys/kernel/tracing", text);
        string dir = Path.Combine(root, "events", subsystem, name);
        string idFile = Path.Combine(dir, "id");
        string idText;
        try
        {
            idText = File.ReadAllText(idFile).Trim();
        }
        catch (UnauthorizedAccessException)
        {
            throw new PerfSecurityException("PerfEventTracepointUnreadable", FailureKind.PermissionDenied,
                $"The id of tracepoint '{subsystem}:{name}' cannot be read: {idFile} is readable by root only (tracefs permissions). Run as root, or have the administrator grant read access to tracefs.", text);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            string hint = Directory.Exists(Path.Combine(root, "events", subsystem))
                ? $"the subsystem '{subsystem}' has no event '{name}'"
                : $"there is no tracepoint subsystem '{subsystem}'";
            throw NotFound(text, $"'{text}' is not a tracepoint of this kernel: {hint} in {Path.Combine(root, "events")}.");
        }
        if (!ulong.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out ulong id))
            throw new PerfSecurityException("PerfEventBadTracepointId", FailureKind.InvalidData, $"{idFile} holds '{idText}', not a number.", text);
        return new EventDefinition { Name = text, Kind = PerfEventType.Tracepoint, Type = PerfEvents.TypeTracepoint, Config = id, Pmu = "tracepoint" };
    }

    private static readonly char[] Globs = { '*', '?', '[', ']' };

    // pmu/terms/: the PMU by its name, else the one PMU whose name is this one plus a number ("uncore_" aside).
    private EventDefinition Pmu(string text, string pmuName, List<EventTerm>? terms)
    {
        PmuInfo? pmu = GetPmu(pmuName);
        if (pmu is null)
        {
            var matches = AllPmus().Where(x => SuffixMatches(x.Name, pmuName)).ToList();
            if (matches.Count > 1)
                throw new PerfSecurityException("PerfEventAmbiguous", FailureKind.InvalidArgument,
                    $"'{pmuName}' in '{text}' names several PMUs ({string.Join(", ", matches.Select(x => x.Name))}); perf would count the event on each. Name one PMU per string.", text);
            pmu = matches.SingleOrDefault()
                ?? throw NotFound(text, $"There is no PMU '{pmuName}' on this machine. PMUs: {string.Join(", ", AllPmus().Select(x => x.Name))}.");
        }
        return Configure(text, pmu, terms);
    }

    // perf_pmu__match with perf_pmu__valid_suffix: "imc" matches uncore_imc, imc_0 and imc12, not imcx.
    private static bool SuffixMatches(string pmuName, string token)
    {
        string name = pmuName.StartsWith("uncore_", StringComparison.Ordinal) && !token.StartsWith("uncore_", StringComparison.Ordinal) ? pmuName[7..] : pmuName;
        if (!name.StartsWith(token, StringComparison.Ordinal)) return false;
        string rest = name[token.Length..];
        if (rest.Length == 0) return true;
        if (rest[0] == '_') rest = rest[1..];
        return rest.Length > 0 && rest.All(char.IsAsciiDigit);
    }

    /// <summary>
    /// parse_events_add_pmu: aliases are replaced by their terms (two aliases in one event are refused); keyword terms
    /// set whole words first; then each format field's value is scattered into its bits and ORed in, a "=?" term
    /// taking the value of the same field given elsewhere in the event.
    /// </summary>
    private static EventDefinition Configure(string text, PmuInfo pmu, List<EventTerm>? userTerms, bool listing = false)
    {
        var def = new EventDefinition { Name = text, Kind = PerfEventType.Pmu, Type = pmu.Type, Pmu = pmu.Name };
        if (userTerms is null) return def;
        var terms = new List<EventTerm>();
        PmuInfo.NamedEvent? alias = null;
        foreach (EventTerm t in userTerms)
        {
            PmuInfo.NamedEvent? a = FindAlias(pmu, t);
            if (a is null)
            {
                terms.Add(t.Clone());
                continue;
            }
            if (alias is not null)
                throw new PerfSecurityException("PerfEventTwoAliases", FailureKind.InvalidArgument,
                    $"'{text}' names two events of PMU '{pmu.Name}' ({alias.Name} and {a.Name}): one event string counts one event; pass them as separate strings.", text);
            alias = a;
            terms.AddRange(a.Terms.Select(x => x.Clone()));
        }
        def = ApplyCommonTerms(def, terms, pmu: true);

        var configs = new[] { def.Config, def.Config1, def.Config2, def.Config3 };
        var parameters = new List<string>();
        foreach (EventTerm t in terms)
        {
            if (t.Used || t.Type != EventTermType.User) continue;
            if (!pmu.Formats.TryGetValue(t.Key!, out PmuFormatField? field))
                throw UnknownTerm(text, t.Key!, $"neither a format field nor an event of PMU '{pmu.Name}'. Known: {Known(pmu)}");
            ulong value;
            // A bare field is 1, however wide: perf 6.1 refuses it at first, then retries the PMU with copied terms
            // that have lost the "no value" mark, and accepts.
            if (!t.IsString) value = t.Number;
            else if (t.Text != "?")
            {
                throw new PerfSecurityException("PerfEventTermType", FailureKind.InvalidArgument,
                    $"In '{text}', {t.Key}={t.Text} is not a number: format fields take decimal or 0x hexadecimal values.", text);
            }
            else if (terms.FirstOrDefault(x => x.Type == EventTermType.User && !x.IsString && x.Key == t.Key) is EventTerm given)
            {
                given.Used = true;
                value = given.Number;
            }
            else if (listing)
            {
                parameters.Add(t.Key!);
                continue;
            }
            else
            {
                throw new PerfSecurityException("PerfEventTermNeedsValue", FailureKind.InvalidArgument,
                    $"In '{text}', the event {alias?.Name ?? "given"} needs a value for '{t.Key}' (the PMU marks it =?): write {pmu.Name}/{alias?.Name ?? "…"},{t.Key}=N/.", text);
            }
            field.Apply(value, configs, text);
        }
        return def with
        {
            Config = configs[0],
            Config1 = configs[1],
            Config2 = configs[2],
            Config3 = configs[3],
            Scale = alias?.Scale ?? 1,
            Unit = alias?.Unit,
            Parameters = parameters,
        };
    }

    // pmu_find_alias: a bare term (or term=1) that is no format field, or event=NAME; names compared ignoring case.
    private static PmuInfo.NamedEvent? FindAlias(PmuInfo pmu, EventTerm t)
    {
        if (t.Type != EventTermType.User) return null;
        string? name = t.IsString
            ? (string.Equals(t.Key, "event", StringComparison.OrdinalIgnoreCase) ? t.Text : null)
            : (t.Number == 1 && !pmu.Formats.ContainsKey(t.Key!) ? t.Key : null);
        return name is not null && pmu.Events.TryGetValue(name, out PmuInfo.NamedEvent? a) ? a : null;
    }

    /// <summary>A listed alias as perf list writes it ("pmu/alias/", with its "=?" terms), its fixed bits, and the values it still needs.</summary>
    internal static EventDefinition ResolveAlias(PmuInfo pmu, PmuInfo.NamedEvent alias)
    {
        string name = $"{pmu.Name}/{alias.Name}{string.Concat(alias.Terms.Where(t => t.IsString).Select(t => $",{t.Key ?? TermName(t)}={t.Text}"))}/";
        return Configure(name, pmu, new List<EventTerm> { new(EventTermType.User, alias.Name, 1, null) }, listing: true);
    }

    // A bare alias name (tsc, energy-pkg): the alias on every PMU that has it (parse_events_multi_pmu_add).
    private EventDefinition AliasOnEveryPmu(string text, string name, List<EventTerm>? userTerms)
    {
        var defs = new List<EventDefinition>();
        PerfSecurityException? failure = null;
        foreach (PmuInfo pmu in AllPmus().Where(x => x.Events.ContainsKey(name)))
        {
            var terms = (userTerms ?? new List<EventTerm>()).Append(new EventTerm(EventTermType.User, name, 1, null)).ToList();
            try { defs.Add(Configure(text, pmu, terms)); }
            catch (PerfSecurityException e) { failure = e; }
        }
        if (defs.Count > 1)
            throw new PerfSecurityException("PerfEventAmbiguous", FailureKind.InvalidArgument,
                $"'{name}' is an event of several PMUs ({string.Join(", ", defs.Select(d => d.Pmu))}); perf would count it on each. Name one: {string.Join(", ", defs.Select(d => $"{d.Pmu}/{name}/"))}.", text);
        if (defs.Count == 1) return defs[0];
        throw failure ?? NotFound(text, $"'{name}' is not an event of any PMU of this machine. Get-PerfEvent -Type Pmu lists them.");
    }

    private static string Known(PmuInfo pmu)
    {
        string known = string.Join(", ", pmu.Formats.Keys.Concat(pmu.Events.Keys));
        return known.Length > 0 ? known : "(none)";
    }

    private PmuInfo? GetPmu(string name)
    {
        if (name.Contains('/', StringComparison.Ordinal) || name is "." or "..") return null;
        if (!_pmus.TryGetValue(name, out PmuInfo? pmu))
            _pmus[name] = pmu = PmuInfo.Load(Path.Combine(_pmuRoot, name));
        return pmu;
    }

    private List<PmuInfo> AllPmus() => _all ??= PmuInfo.LoadAll(_pmuRoot, skipBroken: true).ToList();

    // perf_pmu__parse_check: whether a word is an alias of some PMU, or the first, second or third part of one split
    // at '-' ("cpu" never is: it is the core PMU's name).
    private PmuSymbol SymbolOf(string word)
    {
        if (_symbols is null)
        {
            _symbols = new Dictionary<string, PmuSymbol>(StringComparer.OrdinalIgnoreCase);
            void Add(string w, PmuSymbol kind)
            {
                if (!_symbols.TryGetValue(w, out PmuSymbol old) || kind < old) _symbols[w] = kind;
            }
            foreach (string alias in AllPmus().SelectMany(x => x.Events.Keys))
            {
                string[] parts = alias.Split('-', 3);
                if (parts.Length == 1) Add(alias, PmuSymbol.Event);
                else
                {
                    Add(parts[0], PmuSymbol.Prefix);
                    Add(parts[1], PmuSymbol.Suffix);
                    if (parts.Length == 3) Add(parts[2], PmuSymbol.Suffix2);
                }
            }
        }
        return word != "cpu" && _symbols.TryGetValue(word, out PmuSymbol s) ? s : PmuSymbol.None;
    }

    /// <summary>
    /// perf's modifiers (get_event_modifier, check_modifier): any of u/k/h excludes the levels not named; G or H
    /// counts only in the guest or the host; u and p also exclude the guest unless G/H were given; I excludes idle;
    /// p, pp, ppp set precise_ip; D pins; e is exclusive. P, S, W and b change nothing in a counting attr.
    /// Each letter once, except p up to three times. A group's modifiers start from what each member already has
    /// (parse_events__modifier_group), and pin or make exclusive its leader only.
    /// </summary>
    private static EventDefinition WithModifiers(EventDefinition def, string modifiers, string text, bool group = false, bool leader = true)
    {
        if (modifiers.Length > 15 || modifiers.Where((c, i) => c != 'p' && modifiers.IndexOf(c, i + 1) >= 0).Any())
            throw BadModifier(modifiers, text);
        bool eu = false, ek = false, eh = false, excludeGH = false, eG = false, eH = false, eI = false, pinned = false, exclusive = false;
        int precise = 0;
        if (group)
        {
            (eu, ek, eh, eG, eH, eI) = (def.ExcludeUser, def.ExcludeKernel, def.ExcludeHv, def.ExcludeGuest, def.ExcludeHost, def.ExcludeIdle);
            (precise, pinned, exclusive, excludeGH) = (def.PreciseIp, def.Pinned, def.Exclusive, def.GuestHostChosen);
        }
        bool exclude = eu || ek || eh;
        foreach (char c in modifiers)
        {
            switch (c)
            {
                case 'u' or 'k' or 'h':
                    if (!exclude) exclude = eu = ek = eh = true;
                    if (c == 'u') { if (!excludeGH) eG = true; eu = false; }
                    else if (c == 'k') ek = false;
                    else eh = false;
                    break;
                case 'G' or 'H':
                    if (!excludeGH) excludeGH = eG = eH = true;
                    if (c == 'G') eG = false; else eH = false;
                    break;
                case 'I': eI = true; break;
                case 'p':
                    precise++;
                    if (!excludeGH) eG = true;
                    break;
                case 'D': pinned = true; break;
                case 'e': exclusive = true; break;
            }
        }
        if (precise > 3)
            throw new PerfSecurityException("PerfEventBadModifier", FailureKind.InvalidArgument,
                $"'{modifiers}' in '{text}' asks for precise level {precise}: p may be given at most three times (ppp).", text);
        return def with
        {
            ExcludeUser = eu,
            ExcludeKernel = ek,
            ExcludeHv = eh,
            ExcludeGuest = eG,
            ExcludeHost = eH,
            ExcludeIdle = eI,
            PreciseIp = precise,
            Pinned = leader ? pinned : def.Pinned,
            Exclusive = leader ? exclusive : def.Exclusive,
            HasModifiers = true,
            GuestHostChosen = excludeGH,
        };
    }

    private static PerfSecurityException BadModifier(string modifiers, string text)
        => new("PerfEventBadModifier", FailureKind.InvalidArgument,
            $"'{modifiers}' in '{text}' is not a modifier: use u (user), k (kernel), h (hypervisor), G (guest), H (host), I (not idle), p/pp/ppp (precise), D (pinned), e (exclusive), each once, such as :u or :uk.", text);

    private static PerfSecurityException UnknownTerm(string text, string key, string why)
        => new("PerfEventUnknownTerm", FailureKind.ObjectNotFound, $"In '{text}', '{key}' is {why}.", text);

    private static PerfSecurityException Syntax(string text, string why)
        => new("PerfEventSyntax", FailureKind.InvalidArgument, $"'{text}' is not a valid event string: {why}.", text);

    private static PerfSecurityException NotFound(string text, string message)
        => new("PerfEventNotFound", FailureKind.ObjectNotFound, message, text);

    /// <summary>A cursor over the tokens of one string.</summary>
    private sealed class Parser
    {
        private readonly List<Token> _tokens;
        private int _index;

        public Parser(List<Token> tokens, string text, bool list)
        {
            _tokens = tokens;
            Text = text;
            IsList = list;
        }

        public string Text { get; }
        /// <summary>Whether the string is a list of events and groups (-Event), not one event (Get-PerfEvent).</summary>
        public bool IsList { get; }
        public Token Peek => _tokens[_index];
        public Token PeekAt(int offset) => _tokens[Math.Min(_index + offset, _tokens.Count - 1)];
        public Token Previous => _tokens[Math.Max(_index - 1, 0)];

        public Token Next()
        {
            Token t = _tokens[_index];
            if (_index < _tokens.Count - 1) _index++;
            return t;
        }

        public bool Accept(Tok kind)
        {
            if (Peek.Kind != kind) return false;
            Next();
            return true;
        }

        public Token Expect(Tok kind, string why)
        {
            if (Peek.Kind == kind) return Next();
            Token t = Peek;
            if (t.Kind == Tok.Error) throw Syntax(Text, $"'{t.Text}' does not fit in 64 bits");
            throw Syntax(Text, t.Kind == Tok.End ? $"it ends too early ({why})" : $"unexpected '{t.Text}' at position {t.Position + 1} ({why})");
        }
    }
}
