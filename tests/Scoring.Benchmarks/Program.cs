using Scoring.Benchmarks;

// The same executable is the pass-through host the benchmark starts as a child process.
if (args is ["--pass-through", .. var rest]) return await PassThroughHost.RunAsync(rest);
// And the process that writes a spreadsheet for part xlsx, so that its peak memory is its own.
if (args is ["--xlsx-child", var rows, var sheet]) return await SpreadsheetWriting.ChildAsync(int.Parse(rows, System.Globalization.CultureInfo.InvariantCulture), sheet);

BenchmarkOptions options;
try
{
    options = BenchmarkOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

try
{
    var report = await new BenchmarkRun(options).RunAsync();
    Console.WriteLine(report);
    if (options.Out is { } path) await File.WriteAllTextAsync(path, report);
    return 0;
}
catch (Exception e)
{
    Console.Error.WriteLine($"benchmark failed: {e}");
    return 1;
}
