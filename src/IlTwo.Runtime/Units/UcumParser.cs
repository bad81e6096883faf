using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;

namespace IlTwo.Runtime.Units;

/// <summary>
/// Recursive-descent parser for the UCUM grammar subset we need:
/// <c>mainTerm := '/' term | term; term := component (('.' | '/') component)*;
/// component := annotatable annotation? | annotation | factor | '(' term ')';
/// annotatable := prefix? atom exponent?</c>.
/// Never throws on bad input: every failure becomes a user-facing message.
/// </summary>
internal sealed class UcumParser
{
    internal const int MaxCodeLength = 256;
    private const int MaxDepth = 16;
    private const int MaxExponent = 99;

    private readonly string _code;
    private int _pos;
    private int _depth;
    private int _components;
    private UcumAtom? _special;
    private int _specialExponent;

    private UcumParser(string code) => _code = code;

    public string? Error { get; private set; }

    internal readonly record struct Result(Ratio Factor, Ratio Offset, Dimension Dimension);

    public static bool TryParse(string code, out Result result, [NotNullWhen(false)] out string? error)
    {
        var parser = new UcumParser(code);
        var ok = parser.ParseMain(out result);
        error = ok ? null : parser.Error ?? $"invalid unit code '{code}'";
        return ok;
    }

    private bool ParseMain(out Result result)
    {
        result = default;
        if (string.IsNullOrWhiteSpace(_code))
        {
            return Fail("empty unit code (UCUM writes '1' for a unitless number)");
        }

        if (_code.Length > MaxCodeLength)
        {
            return Fail($"unit code is longer than {MaxCodeLength} characters");
        }

        for (var i = 0; i < _code.Length; i++)
        {
            var c = _code[i];
            if (char.IsWhiteSpace(c))
            {
                return Fail($"unexpected space at position {i + 1} in '{_code}' (UCUM codes contain no spaces)");
            }

            if (c < 33 || c > 126)
            {
                return Fail($"invalid character '{c}' at position {i + 1} in '{_code}' (UCUM codes are plain ASCII; micro is 'u')");
            }
        }

        Term term;
        if (Peek() == '/')
        {
            _pos++;
            if (!ParseTerm(out var divisor))
            {
                return false;
            }

            if (divisor.Factor.IsZero)
            {
                return Fail($"division by zero in '{_code}'");
            }

            term = Term.One.Divide(divisor);
        }
        else if (!ParseTerm(out term))
        {
            return false;
        }

        if (_pos < _code.Length)
        {
            return Fail(Peek() == ')'
                ? $"unmatched ')' at position {_pos + 1} in '{_code}'"
                : $"unexpected '{Peek()}' at position {_pos + 1} in '{_code}'");
        }

        var factor = term.Factor.ToDouble();
        if (term.Factor.IsZero || double.IsInfinity(factor) || factor == 0)
        {
            return Fail($"the factor of '{_code}' is out of range");
        }

        var offset = Ratio.Zero;
        if (_special is not null)
        {
            // An offset scale only means something on its own: "Cel/h" or "Cel2" has no sensible value.
            if (_components != 1 || _specialExponent != 1 || term.Dimension.TemperatureExponent != 1)
            {
                return Fail($"'{_special.Code}' is a special unit with an offset and cannot be combined with other units, exponents or division in '{_code}'");
            }

            offset = _special.Offset;
        }

        result = new Result(term.Factor, offset, term.Dimension);
        return true;
    }

    private bool ParseTerm(out Term term)
    {
        if (!ParseComponent(out term))
        {
            return false;
        }

        while (Peek() is '.' or '/')
        {
            var op = _code[_pos++];
            if (!ParseComponent(out var next))
            {
                return false;
            }

            if (op == '/' && next.Factor.IsZero)
            {
                return Fail($"division by zero in '{_code}'");
            }

            term = op == '.' ? term.Multiply(next) : term.Divide(next);
        }

        return true;
    }

    private bool ParseComponent(out Term term)
    {
        term = Term.One;
        var start = _pos;
        switch (Peek())
        {
            case '\0':
                return Fail(start == 0
                    ? $"expected a unit in '{_code}'"
                    : $"expected a unit after '{_code[start - 1]}' at end of '{_code}'");
            case '.' or '/' or ')':
                return Fail(start == 0
                    ? $"unexpected '{Peek()}' at position 1 in '{_code}'"
                    : $"expected a unit after '{_code[start - 1]}' at position {start + 1} in '{_code}', found '{Peek()}'");
            case '{':
                return ParseAnnotation();
            case '(':
                if (++_depth > MaxDepth)
                {
                    return Fail($"parentheses nested too deeply in '{_code}'");
                }

                _pos++;
                if (!ParseTerm(out term))
                {
                    return false;
                }

                if (Peek() != ')')
                {
                    return Fail($"missing ')' for '(' at position {start + 1} in '{_code}'");
                }

                _pos++;
                _depth--;
                return true;
        }

        if (!ReadSymbol(out var symbol) || !ParseSymbol(symbol, start, out term))
        {
            return false;
        }

        // An annotation may follow an atom: "/min{beats}".
        return Peek() != '{' || ParseAnnotation();
    }

    /// <summary>Annotations ("{beats}") are comments with the value 1.</summary>
    private bool ParseAnnotation()
    {
        var start = _pos;
        var close = _code.IndexOf('}', start + 1);
        if (close < 0)
        {
            return Fail($"missing '}}' for '{{' at position {start + 1} in '{_code}'");
        }

        var inner = _code.IndexOf('{', start + 1, close - start - 1);
        if (inner >= 0)
        {
            return Fail($"'{{' inside an annotation at position {inner + 1} in '{_code}'");
        }

        _pos = close + 1;
        return true;
    }

    /// <summary>Reads up to the next operator; square brackets are opaque ("[arb'U]").</summary>
    private bool ReadSymbol(out string symbol)
    {
        var start = _pos;
        while (_pos < _code.Length)
        {
            var c = _code[_pos];
            if (c is '.' or '/' or '(' or ')' or '{')
            {
                break;
            }

            if (c == '}')
            {
                symbol = string.Empty;
                return Fail($"unmatched '}}' at position {_pos + 1} in '{_code}'");
            }

            if (c == '[')
            {
                var close = _code.IndexOf(']', _pos + 1);
                if (close < 0)
                {
                    symbol = string.Empty;
                    return Fail($"missing ']' for '[' at position {_pos + 1} in '{_code}'");
                }

                _pos = close + 1;
                continue;
            }

            _pos++;
        }

        symbol = _code[start.._pos];
        return true;
    }

    private bool ParseSymbol(string symbol, int start, out Term term)
    {
        term = Term.One;
        _components++;

        if (symbol.All(char.IsAsciiDigit))
        {
            // A plain integer factor such as "1000" (or the unity "1").
            term = new Term(Ratio.FromInteger(BigInteger.Parse(symbol, CultureInfo.InvariantCulture)), Dimension.Dimensionless);
            return true;
        }

        // Split a trailing exponent: "m2", "s-1", "10*3", "10*-3".
        var end = symbol.Length;
        while (end > 0 && char.IsAsciiDigit(symbol[end - 1]))
        {
            end--;
        }

        var digitsStart = end;
        if (end > 0 && symbol[end - 1] is '+' or '-')
        {
            end--;
        }

        var atomText = symbol[..end];
        var exponentText = symbol[end..];
        if (exponentText.Length > 0 && digitsStart == symbol.Length)
        {
            return Fail($"exponent sign without digits in '{symbol}' at position {start + 1} in '{_code}'");
        }

        if (atomText.Length == 0)
        {
            return Fail($"exponent '{symbol}' without a unit at position {start + 1} in '{_code}'");
        }

        var exponent = 1;
        if (exponentText.Length > 0
            && (!int.TryParse(exponentText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent)
                || Math.Abs(exponent) > MaxExponent))
        {
            return Fail($"exponent '{exponentText}' is out of range in '{_code}'");
        }

        if (!Resolve(atomText, out var atom, out var prefixPower))
        {
            return false;
        }

        if (atom.IsSpecial)
        {
            _special = atom;
            _specialExponent = exponent;
        }

        var factor = (Ratio.PowerOfTen(prefixPower) * atom.Factor).Pow(exponent);
        term = new Term(factor, atom.Dimension.Pow(exponent));
        return true;
    }

    /// <summary>Atom first ("min", "Pa", "mol" win over prefix readings), then prefix + metric atom.</summary>
    private bool Resolve(string text, out UcumAtom atom, out int prefixPower)
    {
        prefixPower = 0;
        if (UcumTable.Atoms.TryGetValue(text, out atom!))
        {
            return true;
        }

        UcumAtom? nonMetric = null;
        string? nonMetricPrefix = null;
        foreach (var length in (ReadOnlySpan<int>)[2, 1])
        {
            if (text.Length <= length
                || !UcumTable.Prefixes.TryGetValue(text[..length], out var power)
                || !UcumTable.Atoms.TryGetValue(text[length..], out var candidate))
            {
                continue;
            }

            if (candidate.IsMetric)
            {
                atom = candidate;
                prefixPower = power;
                return true;
            }

            nonMetric ??= candidate;
            nonMetricPrefix ??= text[..length];
        }

        if (nonMetric is not null)
        {
            return Fail($"prefix '{nonMetricPrefix}' cannot be used with the non-metric unit '{nonMetric.Code}' in '{_code}'");
        }

        if (text.Contains('^') || text.Contains('*'))
        {
            return Fail($"unknown unit atom '{text}' in '{_code}' ('*' and '^' appear only in '10*' and '10^'; UCUM writes exponents as plain digits, e.g. 'm2')");
        }

        return Fail($"unknown unit atom '{text}' in '{_code}'");
    }

    private char Peek() => _pos < _code.Length ? _code[_pos] : '\0';

    private bool Fail(string message)
    {
        Error ??= message;
        return false;
    }

    private readonly record struct Term(Ratio Factor, Dimension Dimension)
    {
        public static Term One => new(Ratio.One, Dimension.Dimensionless);

        public Term Multiply(Term other) => new(Factor * other.Factor, Dimension.Multiply(other.Dimension));

        public Term Divide(Term other) => new(Factor / other.Factor, Dimension.Divide(other.Dimension));
    }
}
