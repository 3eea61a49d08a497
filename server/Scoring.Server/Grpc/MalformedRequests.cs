using System.Reflection;
using Google.Protobuf.Reflection;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.AspNetCore.Routing;

namespace Scoring.Server.Grpc;

/// <summary>
/// Binds every gRPC service as grpc-dotnet's own binder does, with one difference: a request payload that is not
/// the method's request message (random bytes, bad UTF-8 in a string, a truncated field) is answered
/// INVALID_ARGUMENT "malformed request" (ErrorInfo reason <c>MALFORMED_REQUEST</c>) and logged as one warning line.
/// grpc-dotnet parses a unary or server-streaming request before any interceptor runs, so without this a parse
/// failure is UNKNOWN "Exception was thrown by handler." with a stack trace at error level.
/// </summary>
/// <remarks>
/// The request marshaller of each method is wrapped; everything else (the route, the handler, its attributes
/// such as [Authorize]) is bound exactly as grpc-dotnet's <c>BinderServiceMethodProvider</c> binds it, and
/// <see cref="Replace"/> takes that provider's place. JSON transcoding binds its own methods and is not touched.
/// </remarks>
internal sealed class MalformedRequests<TService>(ILoggerFactory loggers) : IServiceMethodProvider<TService> where TService : class
{
    private readonly ILogger _logger = loggers.CreateLogger(typeof(MalformedRequests).FullName!);

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        if (MalformedRequests.FindBindMethod(typeof(TService)) is not { } bind) return;
        var binder = new Binder(context, bind.GetParameters()[1].ParameterType, _logger);
        try
        {
            bind.Invoke(null, [binder, null]);
        }
        catch (TargetInvocationException e)
        {
            throw new InvalidOperationException($"Error binding gRPC service '{typeof(TService).Name}'.", e.InnerException ?? e);
        }
    }

    private sealed class Binder(ServiceMethodProviderContext<TService> context, Type declaringType, ILogger logger) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Model<UnaryServerMethod<TService, TRequest, TResponse>>(method.Name, [typeof(TRequest), typeof(ServerCallContext)]);
            context.AddUnaryMethod(Guarded(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Model<ServerStreamingServerMethod<TService, TRequest, TResponse>>(method.Name,
                [typeof(TRequest), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext)]);
            context.AddServerStreamingMethod(Guarded(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Model<ClientStreamingServerMethod<TService, TRequest, TResponse>>(method.Name,
                [typeof(IAsyncStreamReader<TRequest>), typeof(ServerCallContext)]);
            context.AddClientStreamingMethod(Guarded(method), metadata, invoker);
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler)
        {
            var (invoker, metadata) = Model<DuplexStreamingServerMethod<TService, TRequest, TResponse>>(method.Name,
                [typeof(IAsyncStreamReader<TRequest>), typeof(IServerStreamWriter<TResponse>), typeof(ServerCallContext)]);
            context.AddDuplexStreamingMethod(Guarded(method), metadata, invoker);
        }

        // The same method with a request marshaller that turns a parse failure into INVALID_ARGUMENT.
        private Method<TRequest, TResponse> Guarded<TRequest, TResponse>(Method<TRequest, TResponse> method)
        {
            var parse = method.RequestMarshaller.ContextualDeserializer;
            var messageType = (typeof(TRequest).GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as MessageDescriptor)?.FullName
                ?? typeof(TRequest).Name;
            var requests = new Marshaller<TRequest>(method.RequestMarshaller.ContextualSerializer, payload =>
            {
                try
                {
                    return parse(payload);
                }
                catch (Exception e) when (e is not RpcException and not OperationCanceledException)
                {
                    // One line, no stack trace: the caller sent bytes that are not the message, nothing failed here.
                    logger.LogWarning("{Method}: malformed request, not a {MessageType}: {Reason}", method.FullName, messageType, e.Message);
                    throw RichErrors.MalformedRequest(messageType, e.Message).ToRpcException();
                }
            });
            return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, requests, method.ResponseMarshaller);
        }

        // As grpc-dotnet's binder: the service's override of the method, with the type's then the method's attributes.
        private (TDelegate Invoker, List<object> Metadata) Model<TDelegate>(string name, Type[] parameters) where TDelegate : Delegate
        {
            var handler = FindHandler(name, parameters) ?? throw new InvalidOperationException($"Could not find '{name}' on {typeof(TService)}.");
            var metadata = new List<object>();
            metadata.AddRange(typeof(TService).GetCustomAttributes(inherit: true));
            metadata.AddRange(handler.GetCustomAttributes(inherit: true));
            metadata.Add(new HttpMethodMetadata(["POST"], acceptCorsPreflight: true));
            return ((TDelegate)Delegate.CreateDelegate(typeof(TDelegate), handler), metadata);
        }

        private MethodInfo? FindHandler(string name, Type[] parameters)
        {
            for (var type = typeof(TService); type is not null; type = type.BaseType)
            {
                var method = type.GetMethod(name, BindingFlags.Public | BindingFlags.Instance, binder: null, types: parameters, modifiers: null);
                if (method is null) return null;
                if (method.IsVirtual && method.GetBaseDefinition()?.DeclaringType == declaringType) return method;
            }
            return null;
        }
    }
}

/// <summary>Registers <see cref="MalformedRequests{TService}"/> in place of grpc-dotnet's own service binder.</summary>
internal static class MalformedRequests
{
    /// <summary>Replaces grpc-dotnet's <c>BinderServiceMethodProvider&lt;&gt;</c> (registered by AddGrpc) with the guarded binder.</summary>
    public static IServiceCollection Replace(IServiceCollection services)
    {
        var stock = services.Where(d => d.ServiceType == typeof(IServiceMethodProvider<>) && d.ImplementationType is { Name: "BinderServiceMethodProvider`1" }).ToList();
        if (stock.Count != 1)
            throw new InvalidOperationException("grpc-dotnet's BinderServiceMethodProvider<> is not registered as expected; the malformed-request guard cannot take its place.");
        services.Remove(stock[0]);
        services.AddSingleton(typeof(IServiceMethodProvider<>), typeof(MalformedRequests<>));
        return services;
    }

    /// <summary>The generated static <c>BindService(ServiceBinderBase, TBase)</c> of a service type, as grpc-dotnet finds it.</summary>
    public static MethodInfo? FindBindMethod(Type serviceType)
    {
        for (var type = serviceType; type is not null; type = type.BaseType)
        {
            if (type.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false) is not { } bind) continue;
            return bind.BindType.GetMethod(bind.BindMethodName, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static,
                binder: null, types: [typeof(ServiceBinderBase), type], modifiers: null);
        }
        return null;
    }
}
