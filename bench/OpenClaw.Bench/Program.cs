using System.Reflection;
using BenchmarkDotNet.Running;
using OpenClaw.Bench;

// `dotnet run -c Release --project bench/OpenClaw.Bench -- <driver> [args]` runs a load driver (a class implementing
// IDriver); anything else goes to BenchmarkDotNet, e.g. `-- --filter '*Projection*'`.
var drivers = typeof(IDriver).Assembly.GetTypes()
    .Where(t => typeof(IDriver).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false })
    .Select(t => (IDriver)Activator.CreateInstance(t)!)
    .ToDictionary(d => d.Name, StringComparer.OrdinalIgnoreCase);

if (args.Length > 0 && drivers.TryGetValue(args[0], out var driver))
{
    return await driver.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "list")
{
    foreach (var d in drivers.Values.OrderBy(d => d.Name))
    {
        Console.WriteLine($"{d.Name,-24} {d.Description}");
    }

    return 0;
}

BenchmarkSwitcher.FromAssembly(Assembly.GetExecutingAssembly()).Run(args);
return 0;

namespace OpenClaw.Bench
{
    /// <summary>A load driver: measures a whole scenario end to end and prints its numbers.</summary>
    public interface IDriver
    {
        /// <summary>The name given on the command line.</summary>
        string Name { get; }

        /// <summary>One line on what it measures.</summary>
        string Description { get; }

        /// <summary>Runs the scenario; the exit code is non-zero when a target is missed.</summary>
        Task<int> RunAsync(string[] args);
    }
}
