using IlTwo.Runtime.Records;

namespace IlTwo.Runtime.Tests.Records;

public sealed class PatientJsonReaderRobustnessTests
{
    [Fact]
    public void Mutated_documents_never_throw_and_never_return_a_record_with_errors()
    {
        // Byte flips, deletions and truncations of a valid document: the reader must always answer with issues.
        var random = new Random(4242);
        var original = System.Text.Encoding.UTF8.GetBytes(PatientJsonReaderTests.Example);
        byte[] alphabet = [.. "{}[]\":,0123456789eE+-.tfnZT \\u\n"u8, 0xFF, 0xC3, 0xEF, 0xBB, 0xBF]; // last: invalid UTF-8, BOM bytes
        for (int n = 0; n < 3000; n++)
        {
            var bytes = original.ToList();
            for (int edits = random.Next(1, 4); edits > 0 && bytes.Count > 0; edits--)
            {
                int at = random.Next(bytes.Count);
                switch (random.Next(4))
                {
                    case 0: bytes[at] = alphabet[random.Next(alphabet.Length)]; break;
                    case 1: bytes.RemoveAt(at); break;
                    case 2: bytes.Insert(at, alphabet[random.Next(alphabet.Length)]); break;
                    default: bytes.RemoveRange(at, bytes.Count - at); break;
                }
            }

            var result = PatientJsonReader.Read(new MemoryStream([.. bytes]));

            Assert.Equal(result.Record is null, result.Issues.Any(i => i.IsError));
            Assert.All(result.Issues, i => Assert.False(string.IsNullOrWhiteSpace(i.Message)));
        }
    }
}
