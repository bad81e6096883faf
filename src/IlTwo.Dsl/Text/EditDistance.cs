namespace IlTwo.Dsl.Text;

/// <summary>Levenshtein distance, for "did you mean" hints and for matching renamed rules (the runtime's one implementation).</summary>
public static class EditDistance
{
    public static int Between(string a, string b) => IlTwo.Runtime.Records.Levenshtein.Distance(a, b);
}
