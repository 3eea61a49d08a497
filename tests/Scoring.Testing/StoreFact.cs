using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Scoring.Testing;

/// <summary>
/// Marks a test class whose tests need <see cref="Program"/> from Debian's packages (e.g. PostgreSQL's initdb): its
/// <see cref="StoreFactAttribute"/> tests are skipped, with the reason, when the program is not installed, unless
/// <see cref="InstalledTools.Required"/>.
/// </summary>
/// <param name="program">The program, e.g. <c>initdb</c>.</param>
/// <param name="package">The Debian package that installs it, e.g. <c>postgresql</c>.</param>
[AttributeUsage(AttributeTargets.Class)]
public sealed class NeedsToolAttribute(string program, string package) : Attribute
{
    /// <summary>The program.</summary>
    public string Program { get; } = program;

    /// <summary>The Debian package that installs it.</summary>
    public string Package { get; } = package;
}

/// <summary>
/// A fact of a test class written once for several stores (an abstract class with one derived class per store): it runs
/// in every derived class, and is skipped in one marked <see cref="NeedsToolAttribute"/> whose program is missing, as
/// <see cref="ToolFactAttribute"/> skips a single fact.
/// </summary>
[XunitTestCaseDiscoverer("Scoring.Testing.StoreFactDiscoverer", "Scoring.Testing")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreFactAttribute : FactAttribute;

/// <summary>A theory of a test class written once for several stores; see <see cref="StoreFactAttribute"/>.</summary>
[XunitTestCaseDiscoverer("Scoring.Testing.StoreTheoryDiscoverer", "Scoring.Testing")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreTheoryAttribute : TheoryAttribute;

/// <summary>
/// Finds a store-aware test as <paramref name="tests"/> does, but as one skipped test in a class whose
/// <see cref="NeedsToolAttribute"/> program is missing.
/// </summary>
/// <param name="diagnosticMessageSink">Where xunit's diagnostics go.</param>
/// <param name="tests">The plain discoverer (facts or theories).</param>
public abstract class StoreTestDiscoverer(IMessageSink diagnosticMessageSink, IXunitTestCaseDiscoverer tests) : IXunitTestCaseDiscoverer
{
    /// <inheritdoc />
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var needs = testMethod.TestClass.Class.GetCustomAttributes(typeof(NeedsToolAttribute).AssemblyQualifiedName).FirstOrDefault();
        var reason = needs is null
            ? null
            : InstalledTools.SkipReason(needs.GetNamedArgument<string>(nameof(NeedsToolAttribute.Program)), needs.GetNamedArgument<string>(nameof(NeedsToolAttribute.Package)));
        return reason is null
            ? tests.Discover(discoveryOptions, testMethod, factAttribute)
            : [new XunitSkippedDataRowTestCase(diagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(),
                testMethod, reason)];
    }
}

/// <summary>Finds <see cref="StoreFactAttribute"/> tests.</summary>
/// <param name="diagnosticMessageSink">Where xunit's diagnostics go.</param>
public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink)
    : StoreTestDiscoverer(diagnosticMessageSink, new FactDiscoverer(diagnosticMessageSink));

/// <summary>Finds <see cref="StoreTheoryAttribute"/> tests.</summary>
/// <param name="diagnosticMessageSink">Where xunit's diagnostics go.</param>
public sealed class StoreTheoryDiscoverer(IMessageSink diagnosticMessageSink)
    : StoreTestDiscoverer(diagnosticMessageSink, new TheoryDiscoverer(diagnosticMessageSink));
