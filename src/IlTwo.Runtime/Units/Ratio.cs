using System.Globalization;
using System.Numerics;

namespace IlTwo.Runtime.Units;

/// <summary>
/// Exact rational number. Unit factors are folded exactly so that e.g. 10*3/uL and 10*9/L
/// get bit-identical doubles; rounding happens once, in <see cref="ToDouble"/>.
/// </summary>
internal readonly struct Ratio : IEquatable<Ratio>
{
    private Ratio(BigInteger numerator, BigInteger denominator)
    {
        if (denominator.Sign < 0)
        {
            numerator = -numerator;
            denominator = -denominator;
        }

        var gcd = BigInteger.GreatestCommonDivisor(numerator, denominator);
        if (!gcd.IsZero && !gcd.IsOne)
        {
            numerator /= gcd;
            denominator /= gcd;
        }

        Numerator = numerator;
        _denominator = denominator;
    }

    public BigInteger Numerator { get; }

    // default(Ratio) has a zero denominator; treat it as 0/1.
    public BigInteger Denominator => _denominator.IsZero ? BigInteger.One : _denominator;

    private readonly BigInteger _denominator;

    public static Ratio Zero => new(BigInteger.Zero, BigInteger.One);

    public static Ratio One => new(BigInteger.One, BigInteger.One);

    public bool IsZero => Numerator.IsZero;

    public static Ratio Of(BigInteger numerator, BigInteger denominator)
    {
        if (denominator.IsZero)
        {
            throw new DivideByZeroException();
        }

        return new Ratio(numerator, denominator);
    }

    public static Ratio FromInteger(BigInteger value) => new(value, BigInteger.One);

    /// <summary>Parses a plain decimal literal such as "133.322" or "-273.15" exactly.</summary>
    public static Ratio Parse(string text)
    {
        var negative = text.StartsWith('-');
        var body = negative ? text[1..] : text;
        var dot = body.IndexOf('.');
        var digits = dot < 0 ? body : string.Concat(body.AsSpan(0, dot), body.AsSpan(dot + 1));
        var scale = dot < 0 ? 0 : body.Length - dot - 1;
        var numerator = BigInteger.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        return new Ratio(negative ? -numerator : numerator, BigInteger.Pow(10, scale));
    }

    public static Ratio PowerOfTen(int exponent) => exponent >= 0
        ? new Ratio(BigInteger.Pow(10, exponent), BigInteger.One)
        : new Ratio(BigInteger.One, BigInteger.Pow(10, -exponent));

    public Ratio Pow(int exponent) => exponent switch
    {
        0 => One,
        > 0 => new Ratio(BigInteger.Pow(Numerator, exponent), BigInteger.Pow(Denominator, exponent)),
        _ => Of(BigInteger.Pow(Denominator, -exponent), BigInteger.Pow(Numerator, -exponent)),
    };

    public static Ratio operator *(Ratio a, Ratio b) => new(a.Numerator * b.Numerator, a.Denominator * b.Denominator);

    public static Ratio operator /(Ratio a, Ratio b) => Of(a.Numerator * b.Denominator, a.Denominator * b.Numerator);

    public static Ratio operator +(Ratio a, Ratio b) =>
        new(a.Numerator * b.Denominator + b.Numerator * a.Denominator, a.Denominator * b.Denominator);

    public static Ratio operator -(Ratio a, Ratio b) =>
        new(a.Numerator * b.Denominator - b.Numerator * a.Denominator, a.Denominator * b.Denominator);

    public static bool operator ==(Ratio a, Ratio b) => a.Equals(b);

    public static bool operator !=(Ratio a, Ratio b) => !a.Equals(b);

    /// <summary>Nearest double (within one ulp); may be infinite or zero when out of range.</summary>
    public double ToDouble()
    {
        if (Numerator.IsZero)
        {
            return 0;
        }

        var n = BigInteger.Abs(Numerator);
        var d = Denominator;
        // Scale so the integer quotient carries 64 significant bits, then let ulong->double round.
        var shift = 64 - (int)(n.GetBitLength() - d.GetBitLength());
        var q = shift >= 0 ? (n << shift) / d : n / (d << -shift);
        while (q.GetBitLength() > 64)
        {
            q >>= 1;
            shift--;
        }

        var result = Math.ScaleB((double)(ulong)q, -shift);
        return Numerator.Sign < 0 ? -result : result;
    }

    public bool Equals(Ratio other) => Numerator == other.Numerator && Denominator == other.Denominator;

    public override bool Equals(object? obj) => obj is Ratio other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Numerator, Denominator);

    public override string ToString() =>
        Denominator.IsOne
            ? Numerator.ToString(CultureInfo.InvariantCulture)
            : $"{Numerator.ToString(CultureInfo.InvariantCulture)}/{Denominator.ToString(CultureInfo.InvariantCulture)}";
}
