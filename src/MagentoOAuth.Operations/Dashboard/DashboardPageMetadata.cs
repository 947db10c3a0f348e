namespace MagentoOAuth.Operations.Dashboard;

/// <summary>Marks the dashboard's browser pages: a browser without a session is sent to the sign-in page instead of a JSON 401.</summary>
internal sealed class DashboardPageMetadata
{
    public static readonly DashboardPageMetadata Instance = new();
}
