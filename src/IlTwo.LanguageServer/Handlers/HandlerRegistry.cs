using System.Reflection;
using StreamJsonRpc;

namespace IlTwo.LanguageServer.Handlers;

/// <summary>Finds the built-in handlers and registers each <c>[JsonRpcMethod]</c> method with JsonRpc.</summary>
internal static class HandlerRegistry
{
    public static IReadOnlyList<Type> BuiltInHandlerTypes { get; } = typeof(HandlerRegistry).Assembly.GetTypes()
        .Where(type => type is { IsClass: true, IsAbstract: false } && typeof(ILanguageServerHandler).IsAssignableFrom(type))
        .OrderBy(type => type.FullName, StringComparer.Ordinal)
        .ToList();

    public static IReadOnlyList<ILanguageServerHandler> Create(ServerContext context, IEnumerable<Func<ServerContext, ILanguageServerHandler>> additional)
    {
        var handlers = BuiltInHandlerTypes
            .Select(type => (ILanguageServerHandler)Activator.CreateInstance(type, context)!)
            .Concat(additional.Select(factory => factory(context)))
            .ToList();
        return handlers;
    }

    public static void Register(JsonRpc rpc, ILanguageServerHandler handler)
    {
        foreach (var method in handler.GetType().GetMethods(BindingFlags.Public | BindingFlags.Instance))
        {
            if (method.GetCustomAttribute<JsonRpcMethodAttribute>() is { Name: { } name })
            {
                rpc.AddLocalRpcMethod(method, handler, new JsonRpcMethodAttribute(name) { UseSingleObjectParameterDeserialization = true });
            }
        }
    }
}
