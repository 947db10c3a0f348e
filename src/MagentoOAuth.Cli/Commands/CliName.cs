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
        if (!viaDotnet)
        {
            return onPath is not null && process is not null && Path.GetFullPath(onPath) == Path.GetFullPath(process) ? "magento-oauth" : process ?? "magento-oauth";
        }

        if (onPath is not null)
        {
            return "magento-oauth";
        }

        string project = Path.Combine("src", "MagentoOAuth.Cli", "MagentoOAuth.Cli.csproj");
        return File.Exists(project)
            ? "dotnet run --project src/MagentoOAuth.Cli --"
            : "dotnet " + Path.Combine(AppContext.BaseDirectory, "magento-oauth.dll");
    }
}
