using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using MagentoOAuth.Benchmarks;

IEnumerable<Summary> summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
RatioReport.Write(summaries, Console.Out);
