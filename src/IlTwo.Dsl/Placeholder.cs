namespace IlTwo.Dsl; internal static class Placeholder {}
