namespace IlTwo.Runtime; internal static class Placeholder {}
