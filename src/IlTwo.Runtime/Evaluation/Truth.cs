using System.Runtime.CompilerServices;

namespace IlTwo.Runtime.Evaluation;

/// <summary>
/// Three-valued (Kleene) truth. A condition over missing or stale data is <see cref="Unknown"/>,
/// and an unknown rule never lets a dose through.
/// </summary>
public enum Truth : byte
{
    False = 0,
    True = 1,
    Unknown = 2,
}

/// <summary>
/// The operations a rule condition is made of. Numbers are in canonical UCUM base units; NaN means
/// "no usable value". Generated code and the interpreter both call these, so the two cannot disagree
/// on what a comparison with missing data means.
/// </summary>
public static class Logic
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Truth Less(double left, double right) => double.IsNaN(left) || double.IsNaN(right) ? Truth.Unknown : left < right ? Truth.True : Truth.False;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Truth LessOrEqual(double left, double right) => double.IsNaN(left) || double.IsNaN(right) ? Truth.Unknown : left <= right ? Truth.True : Truth.False;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Truth Greater(double left, double right) => double.IsNaN(left) || double.IsNaN(right) ? Truth.Unknown : left > right ? Truth.True : Truth.False;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Truth GreaterOrEqual(double left, double right) => double.IsNaN(left) || double.IsNaN(right) ? Truth.Unknown : left >= right ? Truth.True : Truth.False;

    /// <summary>Equality of quantities compares after conversion to base units with a relative tolerance of 1e-9, so 1 h = 60 min.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Truth Equal(double left, double right) => double.IsNaN(left) || double.IsNaN(right) ? Truth.Unknown : NearlyEqual(left, right) ? Truth.True : Truth.False;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Truth NotEqual(double left, double right) => Not(Equal(left, right));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Truth And(Truth left, Truth right) =>
        left == Truth.False || right == Truth.False ? Truth.False
        : left == Truth.Unknown || right == Truth.Unknown ? Truth.Unknown
        : Truth.True;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Truth Or(Truth left, Truth right) =>
        left == Truth.True || right == Truth.True ? Truth.True
        : left == Truth.Unknown || right == Truth.Unknown ? Truth.Unknown
        : Truth.False;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Truth Not(Truth value) => value == Truth.Unknown ? Truth.Unknown : value == Truth.True ? Truth.False : Truth.True;

    /// <summary>
    /// <c>at least N of GROUP</c> over the members' truths: true when at least <paramref name="count"/> are true, false
    /// when even the unknown ones could not make up the count, unknown otherwise.
    /// </summary>
    public static Truth AtLeast(int count, params ReadOnlySpan<Truth> members)
    {
        int yes = 0, unknown = 0;
        foreach (var member in members)
        {
            if (member == Truth.True)
            {
                yes++;
            }
            else if (member == Truth.Unknown)
            {
                unknown++;
            }
        }
        return yes >= count ? Truth.True : yes + unknown < count ? Truth.False : Truth.Unknown;
    }

    /// <summary>A yes/no value is stored as 1 (yes), 0 (no) or NaN (unknown).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Truth Is(double flag, bool expected) => double.IsNaN(flag) ? Truth.Unknown : (flag != 0) == expected ? Truth.True : Truth.False;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double FromTruth(Truth value) => value switch { Truth.True => 1, Truth.False => 0, _ => double.NaN };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Truth ToTruth(double flag) => double.IsNaN(flag) ? Truth.Unknown : flag != 0 ? Truth.True : Truth.False;

    public static bool NearlyEqual(double left, double right) =>
        left == right || Math.Abs(left - right) <= 1e-9 * Math.Max(Math.Abs(left), Math.Abs(right));
}
