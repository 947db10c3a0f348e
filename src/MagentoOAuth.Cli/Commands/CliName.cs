namespace MagentoOAuth.Cli.Commands;

/// <summary>
/// How to run this tool again, for the commands we print ("Next: …"): <c>magento-oauth</c> once it is on the PATH (an
/// installed .NET tool or native executable), else the way it was started (from a clone: <c>dotnet run --project …</c>).
/// </summary>
internal static class CliName
{
    public static string Command { get; } = Find();

    private static string Find()
    {
        string? process = Environment.ProcessPath;
        string? onPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "magento-oauth")).FirstOrDefault(File.Exists);
        bool viaDotnet = process is not null && Path.GetFileNameWithoutExtension(process) == "dotnet";
        if (onPath is not null && (viaDotnet || (process is not null && Path.GetFullPath(onPath) == Path.GetFullPath(process))))
        {
            return "magento-oauth";
        }

        // 'dotnet run' from a clone starts the build's apphost; say it the way the README does.
        string project = Path.Combine("src", "MagentoOAuth.Cli", "MagentoOAuth.Cli.csproj");
        bool fromBuild = viaDotnet || AppContext.BaseDirectory.Replace('\\', '/').Contains("/src/MagentoOAuth.Cli/bin/", StringComparison.Ordinal);
        if (fromBuild && File.Exists(project))
        {
            return "dotnet run --project src/MagentoOAuth.Cli --";
        }

        return viaDotnet ? "dotnet " + Path.Combine(AppContext.BaseDirectory, "magento-oauth.dll") : process ?? "magento-oauth";
    }
}
