using System.Globalization;
using System.Text.RegularExpressions;

namespace PerfSecurity.Counting;

internal enum Tok
{
    End, Error,
    SymHw, SymSw, SymTool, KernelPmuEvent, CacheType, CacheOpResult, PrefixMem, Raw, Value,
    Modifier, ModifierBp, Name, PmuPrefix, PmuSuffix, PmuSuffix2, Term, DriverConfig,
    Slash, Minus, Comma, Colon, LBrace, RBrace, Equals, LBracket,
}

internal readonly record struct Token(Tok Kind, string Text, ulong Number, int Position);

/// <summary>How a bare word relates to the event aliases of the PMUs (perf_pmu__parse_check).</summary>
internal enum PmuSymbol { None, Event, Prefix, Suffix, Suffix2 }

/// <summary>
/// The tokens of an event string, as perf 6.1's flex scanner (tools/perf/util/parse-events.l) cuts them: the
/// longest match wins, the earlier rule on a tie; "/" switches between the event and the term states; "mem:"
/// enters the breakpoint state until a character it does not know.
/// </summary>
internal static partial class EventLexer
{
    private enum State { Initial, Config, Mem }

    private static readonly string[] TermKeywords =
    {
        "config", "config1", "config2", "config3", "name", "period", "freq", "branch_type", "time", "call-graph", "stack-size",
        "max-stack", "nr", "inherit", "no-inherit", "overwrite", "no-overwrite", "percore", "aux-output", "aux-sample-size", "metric-id",
    };

    private static readonly string[] KernelPmuEvents = { "cycles-ct", "cycles-t", "mem-loads", "mem-loads-aux", "mem-stores" };

    private static readonly string[] CacheTypeWords = GenericEvents.CacheTypes.SelectMany(r => r).ToArray();
    private static readonly string[] CacheOpResultWords = GenericEvents.CacheOps.Concat(GenericEvents.CacheResults).SelectMany(r => r).ToArray();

    public static List<Token> Tokenize(string text, Func<string, PmuSymbol> symbols, bool termsOnly = false)
    {
        var tokens = new List<Token>();
        State state = termsOnly ? State.Config : State.Initial;
        int pos = 0;
        while (pos < text.Length)
        {
            if (state == State.Mem)
            {
                if (!MemToken(text, ref pos, tokens)) state = State.Initial; // not consumed: scanned again as an event
                continue;
            }
            Candidate best = Longest(text, pos, state);
            if (best.Length == 0)
            {
                pos++; // flex's "." rule: characters of no token are dropped
                continue;
            }
            string word = text.Substring(pos, best.Length);
            Token? token = best.Rule switch
            {
                Rule.Term => new Token(Tok.Term, word, 0, pos),
                Rule.RawTerm or Rule.Raw => symbols(word) == PmuSymbol.Event ? new Token(Tok.Name, word, 0, pos) : Number(word[1..], 16, Tok.Raw, pos, word),
                Rule.Slash => new Token(Tok.Slash, word, 0, pos),
                Rule.Comma => new Token(Tok.Comma, word, 0, pos),
                Rule.NameMinus => new Token(Tok.Name, word, 0, pos),
                Rule.LBracket => new Token(Tok.LBracket, word, 0, pos),
                Rule.DriverConfig => new Token(Tok.DriverConfig, word[1..], 0, pos),
                Rule.Symbol => Symbol(word, pos),
                Rule.KernelPmuEvent => new Token(Tok.KernelPmuEvent, word, 0, pos),
                Rule.CacheType => new Token(Tok.CacheType, word, 0, pos),
                Rule.CacheOpResult => new Token(Tok.CacheOpResult, word, 0, pos),
                Rule.PrefixMem => new Token(Tok.PrefixMem, word, 0, pos),
                Rule.Decimal => Number(word, 10, Tok.Value, pos, word),
                Rule.Hex => Number(word[2..], 16, Tok.Value, pos, word),
                Rule.Modifier => new Token(Tok.Modifier, word, 0, pos),
                Rule.Name => NameToken(word, pos, symbols),
                Rule.NameTag => new Token(Tok.Name, word[1..^1], 0, pos),
                Rule.Minus => new Token(Tok.Minus, word, 0, pos),
                Rule.Colon => new Token(Tok.Colon, word, 0, pos),
                Rule.LBrace => new Token(Tok.LBrace, word, 0, pos),
                Rule.RBrace => new Token(Tok.RBrace, word, 0, pos),
                Rule.Equals => new Token(Tok.Equals, word, 0, pos),
                _ => null, // newline
            };
            if (token is Token t) tokens.Add(t);
            pos += best.Length;
            if (best.Rule == Rule.Slash) state = state == State.Config ? State.Initial : State.Config;
            else if (best.Rule == Rule.PrefixMem) state = State.Mem;
        }
        tokens.Add(new Token(Tok.End, "", 0, text.Length));
        return tokens;
    }

    // The rules in the scanner's order: term-state rules first, then the ones both states share.
    private enum Rule
    {
        Term, RawTerm, Comma, Slash, NameMinus, LBracket, DriverConfig,
        Symbol, KernelPmuEvent, CacheType, CacheOpResult, PrefixMem, Raw, Decimal, Hex, Modifier, Name, NameTag,
        Minus, Colon, LBrace, RBrace, Equals, Newline,
    }

    private readonly record struct Candidate(Rule Rule, int Length);

    private static Candidate Longest(string text, int pos, State state)
    {
        Candidate best = default;
        void Offer(Rule rule, int length)
        {
            if (length > best.Length) best = new Candidate(rule, length); // rules are offered in order: ties keep the earlier
        }
        ReadOnlySpan<char> rest = text.AsSpan(pos);
        if (state == State.Config)
        {
            Offer(Rule.Term, LongestLiteral(rest, TermKeywords));
            Offer(Rule.RawTerm, Match(RawTermPattern(), text, pos));
            Offer(Rule.Comma, rest[0] == ',' ? 1 : 0);
            Offer(Rule.Slash, rest[0] == '/' ? 1 : 0);
            Offer(Rule.NameMinus, Match(NameMinusPattern(), text, pos));
            Offer(Rule.LBracket, rest[0] == '[' ? 1 : 0);
            Offer(Rule.DriverConfig, Match(DriverConfigPattern(), text, pos));
        }
        Offer(Rule.Symbol, LongestLiteral(rest, SymbolWords));
        Offer(Rule.KernelPmuEvent, Math.Max(LongestLiteral(rest, KernelPmuEvents), Match(KernelPmuEventPattern(), text, pos)));
        Offer(Rule.CacheType, LongestLiteral(rest, CacheTypeWords));
        Offer(Rule.CacheOpResult, LongestLiteral(rest, CacheOpResultWords));
        Offer(Rule.PrefixMem, rest.StartsWith("mem:") ? 4 : 0);
        Offer(Rule.Raw, Match(RawPattern(), text, pos));
        Offer(Rule.Decimal, Match(DecimalPattern(), text, pos));
        Offer(Rule.Hex, Match(HexPattern(), text, pos));
        Offer(Rule.Modifier, Match(ModifierPattern(), text, pos));
        Offer(Rule.Name, Match(NamePattern(), text, pos));
        Offer(Rule.NameTag, Match(NameTagPattern(), text, pos));
        Offer(Rule.Slash, rest[0] == '/' ? 1 : 0);
        Offer(Rule.Minus, rest[0] == '-' ? 1 : 0);
        Offer(Rule.Comma, rest[0] == ',' ? 1 : 0);
        Offer(Rule.Colon, rest[0] == ':' ? 1 : 0);
        Offer(Rule.LBrace, rest[0] == '{' ? 1 : 0);
        Offer(Rule.RBrace, rest[0] == '}' ? 1 : 0);
        Offer(Rule.Equals, rest[0] == '=' ? 1 : 0);
        Offer(Rule.Newline, rest[0] == '\n' ? 1 : 0);
        return best;
    }

    private static readonly string[] SymbolWords = GenericEvents.All
        .Where(g => g.Kind != PerfEventType.HardwareCache)
        .SelectMany(g => g.Aliases.Prepend(g.Name)).ToArray();

    private static Token Symbol(string word, int pos)
    {
        GenericEvents.Generic g = GenericEvents.FindSymbol(word)!;
        Tok kind = g.Kind switch { PerfEventType.Tool => Tok.SymTool, PerfEventType.Hardware => Tok.SymHw, _ => Tok.SymSw };
        return new Token(kind, word, 0, pos);
    }

    // perf_pmu__parse_check: a word that names a PMU event alias, or a part of one split at '-'.
    private static Token NameToken(string word, int pos, Func<string, PmuSymbol> symbols)
        => new(symbols(word) switch
        {
            PmuSymbol.Event => Tok.KernelPmuEvent,
            PmuSymbol.Prefix => Tok.PmuPrefix,
            PmuSymbol.Suffix => Tok.PmuSuffix,
            PmuSymbol.Suffix2 => Tok.PmuSuffix2,
            _ => Tok.Name,
        }, word, 0, pos);

    // strtoull with errno: a number too large for 64 bits is an error token.
    private static Token Number(string digits, int radix, Tok kind, int pos, string word)
    {
        if (digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && radix == 16) digits = digits[2..];
        bool ok = radix == 16
            ? ulong.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong value)
            : ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        return ok ? new Token(kind, word, value, pos) : new Token(Tok.Error, word, 0, pos);
    }

    // The breakpoint state: r/w/x access, ':', '/', numbers; anything else returns to the event state unread.
    private static bool MemToken(string text, ref int pos, List<Token> tokens)
    {
        int bp = Match(BreakpointPattern(), text, pos);
        int dec = Match(DecimalPattern(), text, pos), hex = Match(HexPattern(), text, pos);
        char c = text[pos];
        if (bp > 0) tokens.Add(new Token(Tok.ModifierBp, text.Substring(pos, bp), 0, pos));
        else if (c == ':') { tokens.Add(new Token(Tok.Colon, ":", 0, pos)); bp = 1; }
        else if (c == '/') { tokens.Add(new Token(Tok.Slash, "/", 0, pos)); bp = 1; }
        else if (hex > dec) { tokens.Add(Number(text.Substring(pos + 2, hex - 2), 16, Tok.Value, pos, text.Substring(pos, hex))); bp = hex; }
        else if (dec > 0) { tokens.Add(Number(text.Substring(pos, dec), 10, Tok.Value, pos, text.Substring(pos, dec))); bp = dec; }
        else if (c == '\n') bp = 1;
        else return false;
        pos += bp;
        return true;
    }

    private static int LongestLiteral(ReadOnlySpan<char> rest, string[] words)
    {
        int best = 0;
        foreach (string w in words)
        {
            if (w.Length > best && rest.StartsWith(w, StringComparison.Ordinal)) best = w.Length;
        }
        return best;
    }

    private static int Match(Regex pattern, string text, int pos)
    {
        Match m = pattern.Match(text, pos);
        return m.Success ? m.Length : 0;
    }

    [GeneratedRegex(@"\Gr(0x)?[a-fA-F0-9]+")]
    private static partial Regex RawTermPattern();

    [GeneratedRegex(@"\G[a-zA-Z_*?][a-zA-Z0-9\-_*?.:]*")]
    private static partial Regex NameMinusPattern();

    [GeneratedRegex(@"\G@[a-zA-Z0-9_.]+(=[a-zA-Z0-9_*?.:]+)?")]
    private static partial Regex DriverConfigPattern();

    [GeneratedRegex(@"\G(topdown|tx-capacity|el-capacity)-[a-z-]+")]
    private static partial Regex KernelPmuEventPattern();

    [GeneratedRegex(@"\Gr[a-fA-F0-9]+")]
    private static partial Regex RawPattern();

    [GeneratedRegex(@"\G[0-9]+")]
    private static partial Regex DecimalPattern();

    [GeneratedRegex(@"\G0x[a-fA-F0-9]+")]
    private static partial Regex HexPattern();

    [GeneratedRegex(@"\G[ukhpPGHSDIWeb]+")]
    private static partial Regex ModifierPattern();

    [GeneratedRegex(@"\G[a-zA-Z_*?\[\]][a-zA-Z0-9_*?.\[\]!]*")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"\G'[a-zA-Z_*?\[\]][a-zA-Z0-9_*?\-,.\[\]:=]*'")]
    private static partial Regex NameTagPattern();

    [GeneratedRegex(@"\G[rwx]{1,3}")]
    private static partial Regex BreakpointPattern();
}
