using System.Globalization;
using System.Numerics;
using System.Text;

namespace IlTwo.Dsl.Analysis.Verification;

/// <summary>The sort of an SMT-LIB term.</summary>
internal enum SmtSort
{
    Bool,
    Int,
    Real,
}

/// <summary>
/// A typed SMT-LIB 2 term. Built only from generated symbols (<see cref="SmtTerm.Symbol"/>), operators and exact
/// numbers, so no protocol text ever reaches the solver.
/// </summary>
internal sealed record SmtTerm(string Text, SmtSort Sort)
{
    public static SmtTerm True { get; } = new("true", SmtSort.Bool);

    public static SmtTerm False { get; } = new("false", SmtSort.Bool);

    public override string ToString() => Text;

    /// <summary>A generated symbol: a letter prefix and a number (the caller never passes protocol text).</summary>
    public static SmtTerm Symbol(string prefix, int index, SmtSort sort)
    {
        foreach (var c in prefix)
        {
            if (c is not ((>= 'a' and <= 'z') or '_'))
            {
                throw new ArgumentException("a symbol prefix is lowercase letters and '_' only", nameof(prefix));
            }
        }
        return new($"{prefix}{index.ToString(CultureInfo.InvariantCulture)}", sort);
    }

    public static SmtTerm Int(long value) => value < 0
        ? new($"(- {(-value).ToString(CultureInfo.InvariantCulture)})", SmtSort.Int)
        : new(value.ToString(CultureInfo.InvariantCulture), SmtSort.Int);

    /// <summary>An exact decimal for a double (its shortest round-trip digits), never exponent notation.</summary>
    public static SmtTerm Real(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), "only finite numbers are written to the solver");
        }

        var text = Decimal(value);
        return text.StartsWith('-') ? new($"(- {text[1..]})", SmtSort.Real) : new(text, SmtSort.Real);
    }

    /// <summary>"1e-06" as "0.000001", "2.5E+20" as "250000000000000000000.0".</summary>
    internal static string Decimal(double value)
    {
        var r = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = r.StartsWith('-');
        if (negative)
        {
            r = r[1..];
        }

        var exponent = 0;
        var e = r.IndexOfAny(['e', 'E']);
        if (e >= 0)
        {
            exponent = int.Parse(r[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r[..e];
        }
        var dot = r.IndexOf('.');
        var digits = dot < 0 ? r : r.Remove(dot, 1);
        var point = (dot < 0 ? r.Length : dot) + exponent;
        if (point <= 0)
        {
            digits = new string('0', 1 - point) + digits;
            point = 1;
        }
        else if (point > digits.Length)
        {
            digits += new string('0', point - digits.Length);
        }
        var whole = digits[..point].TrimStart('0');
        var fraction = digits[point..].TrimEnd('0');
        var result = $"{(whole.Length == 0 ? "0" : whole)}.{(fraction.Length == 0 ? "0" : fraction)}";
        return negative && result != "0.0" ? "-" + result : result;
    }

    public static SmtTerm Not(SmtTerm a) => a == True ? False : a == False ? True : new($"(not {a})", SmtSort.Bool);

    public static SmtTerm And(params IEnumerable<SmtTerm> terms)
    {
        var list = new List<SmtTerm>();
        foreach (var t in terms)
        {
            if (t == False)
            {
                return False;
            }

            if (t != True)
            {
                list.Add(t);
            }
        }
        return list.Count switch { 0 => True, 1 => list[0], _ => new($"(and {string.Join(' ', list)})", SmtSort.Bool) };
    }

    public static SmtTerm Or(params IEnumerable<SmtTerm> terms)
    {
        var list = new List<SmtTerm>();
        foreach (var t in terms)
        {
            if (t == True)
            {
                return True;
            }

            if (t != False)
            {
                list.Add(t);
            }
        }
        return list.Count switch { 0 => False, 1 => list[0], _ => new($"(or {string.Join(' ', list)})", SmtSort.Bool) };
    }

    public static SmtTerm Implies(SmtTerm a, SmtTerm b) => Or(Not(a), b);

    public static SmtTerm Ite(SmtTerm condition, SmtTerm then, SmtTerm otherwise) =>
        condition == True ? then : condition == False ? otherwise : new($"(ite {condition} {then} {otherwise})", then.Sort);

    public static SmtTerm ToReal(SmtTerm a) => a.Sort == SmtSort.Int ? new($"(to_real {a})", SmtSort.Real) : a;

    private static SmtTerm Arith(string op, SmtTerm a, SmtTerm b)
    {
        var sort = a.Sort == SmtSort.Int && b.Sort == SmtSort.Int ? SmtSort.Int : SmtSort.Real;
        var (x, y) = sort == SmtSort.Real ? (ToReal(a), ToReal(b)) : (a, b);
        return new($"({op} {x} {y})", sort);
    }

    public static SmtTerm Add(SmtTerm a, SmtTerm b) => Arith("+", a, b);

    public static SmtTerm Sum(IReadOnlyList<SmtTerm> terms, SmtSort sort) => terms.Count switch
    {
        0 => sort == SmtSort.Int ? Int(0) : Real(0),
        1 => terms[0],
        _ => new($"(+ {string.Join(' ', terms)})", sort),
    };

    public static SmtTerm Sub(SmtTerm a, SmtTerm b) => Arith("-", a, b);

    public static SmtTerm Mul(SmtTerm a, SmtTerm b) => Arith("*", a, b);

    public static SmtTerm Div(SmtTerm a, SmtTerm b) => new($"(/ {ToReal(a)} {ToReal(b)})", SmtSort.Real);

    public static SmtTerm Neg(SmtTerm a) => new($"(- {a})", a.Sort);

    private static SmtTerm Compare(string op, SmtTerm a, SmtTerm b)
    {
        var (x, y) = a.Sort == b.Sort ? (a, b) : (ToReal(a), ToReal(b));
        return new($"({op} {x} {y})", SmtSort.Bool);
    }

    public static SmtTerm Lt(SmtTerm a, SmtTerm b) => Compare("<", a, b);

    public static SmtTerm Le(SmtTerm a, SmtTerm b) => Compare("<=", a, b);

    public static SmtTerm Gt(SmtTerm a, SmtTerm b) => Compare(">", a, b);

    public static SmtTerm Ge(SmtTerm a, SmtTerm b) => Compare(">=", a, b);

    public static SmtTerm Eq(SmtTerm a, SmtTerm b) => Compare("=", a, b);

    /// <summary>A model value as printed by z3: <c>3</c>, <c>2.5</c>, <c>(- 1.0)</c>, <c>(/ 1.0 3.0)</c>, <c>(- (/ 1 3))</c>; null when not a number.</summary>
    public static double? ParseNumber(string text)
    {
        text = text.Trim();
        if (text.StartsWith("(- ", StringComparison.Ordinal) && text.EndsWith(')'))
        {
            return -ParseNumber(text[3..^1]);
        }

        if (text.StartsWith("(/ ", StringComparison.Ordinal) && text.EndsWith(')'))
        {
            var inner = text[3..^1].Trim();
            var split = SplitTopLevel(inner);
            if (split is { } parts && ParseRational(parts.Left) is { } n && ParseRational(parts.Right) is { } d && !d.IsZero)
            {
                return Fraction(n.Numerator * d.Denominator, n.Denominator * d.Numerator);
            }

            return null;
        }
        return ParseRational(text) is { } r ? Fraction(r.Numerator, r.Denominator) : null;
    }

    private static double Fraction(BigInteger numerator, BigInteger denominator)
    {
        if (denominator.Sign < 0)
        {
            (numerator, denominator) = (-numerator, -denominator);
        }
        // Decimal division keeps far more digits than a double for the ratios a model prints.
        var scale = BigInteger.Pow(10, 40);
        var q = BigInteger.DivRem(numerator * scale, denominator, out _);
        return double.Parse(q.ToString(CultureInfo.InvariantCulture) + "e-40", CultureInfo.InvariantCulture);
    }

    private sealed record Rational(BigInteger Numerator, BigInteger Denominator)
    {
        public bool IsZero => Numerator.IsZero;
    }

    private static (string Left, string Right)? SplitTopLevel(string text)
    {
        var depth = 0;
        for (var i = 0; i < text.Length; i++)
        {
            depth += text[i] switch { '(' => 1, ')' => -1, _ => 0 };
            if (depth == 0 && text[i] == ' ')
            {
                return (text[..i], text[(i + 1)..]);
            }
        }
        return null;
    }

    private static Rational? ParseRational(string text)
    {
        text = text.Trim();
        if (text.StartsWith("(- ", StringComparison.Ordinal) && text.EndsWith(')'))
        {
            return ParseRational(text[3..^1]) is { } r ? new Rational(-r.Numerator, r.Denominator) : null;
        }
        var dot = text.IndexOf('.');
        var digits = dot < 0 ? text : text.Remove(dot, 1);
        if (digits.Length == 0 || !digits.All(char.IsAsciiDigit))
        {
            return null;
        }

        var denominator = dot < 0 ? BigInteger.One : BigInteger.Pow(10, text.Length - dot - 1);
        return new Rational(BigInteger.Parse(digits, CultureInfo.InvariantCulture), denominator);
    }

    /// <summary>Appends one command line.</summary>
    public static void Command(StringBuilder sb, string command) => sb.Append(command).Append('\n');
}
