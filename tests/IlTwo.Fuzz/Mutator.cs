using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace IlTwo.Fuzz;

/// <summary>Seeded mutations of protocol text, JSON documents and bytes.</summary>
public sealed class Mutator(Random random)
{
    private static readonly string[] Tokens =
    [
        "{", "}", "(", ")", "\"", "\n", "\r\n", " ", "//", "/*", "and", "or", "not", "when", "hold rule x \"t\" {", "discontinue",
        "observation", "within", "range", "unit", "loinc", "cite", "unverified", "extends", "override", "remove rule", "const",
        "scenario", "expect give", "expect hold because", "fixture", "using", "at least", "of", "group", "until", "persistent for",
        "corrected when", "yes/no", "is yes", "is no", "<", "<=", ">", ">=", "=", "!=", "+", "-", "x", "/", "%", "mm[Hg]", "mg/dL",
        "umol/L", "h", "min", "kg", "1e309", "-1e309", "0", "-0", "1e-320", "99999999999999999999999", "NaN", "Infinity",
        "0.1.2", "1..2", "\u202E", "\u2066", "\u200F", "\0", "\uFFFD", "\uD800", "é", "ß", "🙂", "sum(", "max(", "mean(",
        "count(", "change(", "baseline(", "last 24 h)", "time since last dose", "doses held", "doses given", "weight",
    ];

    public Random Random { get; } = random;

    /// <summary>One to four edits of the text: deletions, duplications, insertions of tokens, swaps of lines, truncation.</summary>
    public string MutateText(string text)
    {
        var edits = 1 + Random.Next(4);
        for (var e = 0; e < edits; e++)
        {
            text = MutateOnce(text);
        }

        return text;
    }

    private string MutateOnce(string text)
    {
        if (text.Length == 0)
        {
            return Tokens[Random.Next(Tokens.Length)];
        }

        var at = Random.Next(text.Length);
        var length = Math.Min(text.Length - at, 1 + Random.Next(Random.Next(2) == 0 ? 4 : 80));
        switch (Random.Next(8))
        {
            case 0:
                return text.Remove(at, length);
            case 1:
                return text.Insert(at, text.Substring(at, length));
            case 2:
            case 3:
                return text.Insert(at, Tokens[Random.Next(Tokens.Length)]);
            case 4:
                return text[..at];
            case 5:
                var lines = text.Split('\n');
                var a = Random.Next(lines.Length);
                var b = Random.Next(lines.Length);
                (lines[a], lines[b]) = (lines[b], lines[a]);
                return string.Join('\n', lines);
            case 6:
                // A number somewhere replaced by an extreme one.
                var digit = text.IndexOfAny("0123456789".ToCharArray(), at);
                return digit < 0 ? text : text.Remove(digit, 1).Insert(digit, Tokens[Random.Next(63, 73)]);
            default:
                var chars = text.ToCharArray();
                chars[at] = (char)Random.Next(0, 0x3000);
                return new string(chars);
        }
    }

    /// <summary>Bytes with a few random flips, insertions or deletions (invalid UTF-8 included).</summary>
    public byte[] MutateBytes(byte[] bytes)
    {
        var list = bytes.ToList();
        var edits = 1 + Random.Next(4);
        for (var e = 0; e < edits && list.Count > 0; e++)
        {
            var at = Random.Next(list.Count);
            switch (Random.Next(3))
            {
                case 0:
                    list[at] = (byte)Random.Next(256);
                    break;
                case 1:
                    list.RemoveAt(at);
                    break;
                default:
                    list.Insert(at, (byte)Random.Next(256));
                    break;
            }
        }
        return [.. list];
    }

    /// <summary>
    /// A structural mutation of a JSON document: delete a node, swap a value's type, put in a huge or strange number or
    /// string, duplicate an array element. Returns the new document and a description.
    /// </summary>
    public (JsonNode Node, string What) MutateJson(JsonNode root)
    {
        var copy = root.DeepClone();
        var nodes = new List<JsonNode>();
        Collect(copy, nodes);
        var what = new StringBuilder();
        var edits = 1 + Random.Next(3);
        for (var e = 0; e < edits && nodes.Count > 1; e++)
        {
            var node = nodes[1 + Random.Next(nodes.Count - 1)];
            if (node.Parent is null)
            {
                continue;
            }

            switch (Random.Next(5))
            {
                case 0:
                    Remove(node);
                    what.Append("delete ").Append(node.GetPath()).Append("; ");
                    break;
                case 1:
                case 2:
                    var replacement = StrangeValue();
                    what.Append("set ").Append(node.GetPath()).Append(" = ").Append(replacement?.ToJsonString() ?? "null").Append("; ");
                    Replace(node, replacement);
                    break;
                case 3:
                    if (node.Parent is JsonArray array)
                    {
                        array.Add(node.DeepClone());
                        what.Append("duplicate ").Append(node.GetPath()).Append("; ");
                    }
                    break;
                default:
                    if (node is JsonValue value && value.TryGetValue<string>(out var text))
                    {
                        var mutated = MutateText(text);
                        what.Append("edit ").Append(node.GetPath()).Append("; ");
                        Replace(node, JsonValue.Create(mutated));
                    }
                    break;
            }
            nodes.Clear();
            Collect(copy, nodes);
        }
        return (copy, what.ToString());
    }

    private JsonNode? StrangeValue() => Random.Next(14) switch
    {
        0 => null,
        1 => JsonValue.Create(true),
        2 => JsonValue.Create("abc"),
        3 => JsonValue.Create(1e308),
        4 => JsonValue.Create(-1e308),
        5 => JsonValue.Create(double.Epsilon),
        6 => JsonValue.Create(long.MaxValue),
        7 => new JsonArray(),
        8 => new JsonObject(),
        9 => JsonValue.Create(""),
        10 => JsonValue.Create("9999-12-31T23:59:59Z"),
        11 => JsonValue.Create("2026-03-04T06:00:00"),
        12 => JsonValue.Create(-1),
        _ => JsonValue.Create(Random.Next(-1000, 100000).ToString(CultureInfo.InvariantCulture)),
    };

    private static void Collect(JsonNode? node, List<JsonNode> into)
    {
        if (node is null)
        {
            return;
        }

        into.Add(node);
        switch (node)
        {
            case JsonObject o:
                foreach (var (_, child) in o.ToList())
                {
                    Collect(child, into);
                }

                break;
            case JsonArray a:
                foreach (var child in a.ToList())
                {
                    Collect(child, into);
                }

                break;
        }
    }

    public static void Remove(JsonNode node)
    {
        switch (node.Parent)
        {
            case JsonObject o:
                o.Remove(o.First(p => ReferenceEquals(p.Value, node)).Key);
                break;
            case JsonArray a:
                a.Remove(node);
                break;
        }
    }

    private static void Replace(JsonNode node, JsonNode? replacement)
    {
        switch (node.Parent)
        {
            case JsonObject o:
                o[o.First(p => ReferenceEquals(p.Value, node)).Key] = replacement;
                break;
            case JsonArray a:
                a[a.IndexOf(node)] = replacement;
                break;
        }
    }

    /// <summary>The text cut at a random point (a truncated file or body).</summary>
    public string Truncate(string text) => text.Length == 0 ? text : text[..Random.Next(text.Length)];
}
