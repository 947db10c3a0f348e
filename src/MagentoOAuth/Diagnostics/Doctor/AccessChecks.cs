using System.Net;
using System.Text;
using System.Text.Json;

namespace MagentoOAuth.Diagnostics.Doctor;

/// <summary><c>acl</c> (the integration may use what the app needs) and <c>store-codes</c> (store views and websites, for scoped writes).</summary>
internal static class AccessChecks
{
    private static readonly System.Text.CompositeFormat AclFix = System.Text.CompositeFormat.Parse(
        "In the Magento admin: System > Extensions > Integrations > edit the integration > API: tick {0} (or choose Resource Access: All), Save; " +
        "if the integration then shows Reauthorize, click it so the app finishes a new exchange.");

    // ACL resources and a read-only call each guards (W/etc/webapi.xml of each module): a resource is checked by calling that.
    private static readonly Dictionary<string, string> ProbeFor = new(StringComparer.Ordinal)
    {
        ["Magento_Backend::store"] = "/V1/store/storeConfigs",
        ["Magento_Backend::stores"] = "/V1/store/storeConfigs",
        ["Magento_Catalog::products"] = "/V1/products?searchCriteria%5BpageSize%5D=1",
        ["Magento_Catalog::catalog"] = "/V1/products?searchCriteria%5BpageSize%5D=1",
        ["Magento_Catalog::categories"] = "/V1/categories",
        ["Magento_Sales::sales"] = "/V1/orders?searchCriteria%5BpageSize%5D=1",
        ["Magento_Sales::actions_view"] = "/V1/orders?searchCriteria%5BpageSize%5D=1",
        ["Magento_Customer::customer"] = "/V1/customers/search?searchCriteria%5BpageSize%5D=1",
        ["Magento_Customer::manage"] = "/V1/customers/search?searchCriteria%5BpageSize%5D=1",
        ["Magento_Cms::page"] = "/V1/cmsPage/search?searchCriteria%5BpageSize%5D=1",
        ["Magento_Cms::block"] = "/V1/cmsBlock/search?searchCriteria%5BpageSize%5D=1",
        ["Magento_InventoryApi::source"] = "/V1/inventory/sources?searchCriteria%5BpageSize%5D=1",
    };

    public static async Task<DoctorCheck> AclAsync(DoctorSession session, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> needs = session.Request.Needs;
        if (needs.Count == 0)
        {
            return new DoctorCheck("acl", DoctorStatus.Skip, "nothing to check: name what the app needs with --need (a REST path such as /V1/orders, or a resource such as Magento_Sales::sales)");
        }

        var allowed = new List<string>();
        var refused = new List<string>();
        var unknown = new List<string>();
        foreach (string need in needs)
        {
            bool isPath = need.StartsWith('/');
            string? path = isPath ? need : ProbeFor.GetValueOrDefault(need);
            if (path is null)
            {
                unknown.Add($"{need} (no read-only call known for it: give a GET path it guards)");
                continue;
            }

            string relative = "rest" + (path.StartsWith("/rest/", StringComparison.Ordinal) ? path[5..] : path);
            Probe probe = await session.SignedGetAsync(relative.TrimStart('/'), cancellationToken).ConfigureAwait(false);
            string label = isPath ? "GET " + need : $"{need} (GET {path.Split('?')[0]})";
            if (probe.IsGuestRefusal)
            {
                refused.Add($"{label}: needs {probe.DeniedResources ?? "a resource Magento did not name"}");
            }
            else if (probe.Status == HttpStatusCode.NotFound && probe.MagentoMessage == "Request does not match any route.")
            {
                unknown.Add($"{label}: no such REST route on this store (a module missing, or a wrong path)");
            }
            else if ((int)probe.Status is >= 200 and < 300
                || (probe.MagentoMessage is not null && probe.Status is HttpStatusCode.BadRequest or HttpStatusCode.NotFound))
            {
                // The ACL is checked before the call runs (W/Controller/Rest/RequestValidator.php): an input error or
                // "no such entity" from Magento means the resource was granted.
                allowed.Add(label);
            }
            else
            {
                unknown.Add($"{label}: {probe.Describe()}");
            }
        }

        if (refused.Count > 0)
        {
            string resources = string.Join(", ", refused.Select(r => r[(r.LastIndexOf("needs ", StringComparison.Ordinal) + 6)..]).Distinct());
            return new DoctorCheck("acl", DoctorStatus.Fail, "not allowed: " + string.Join("; ", refused) + (allowed.Count > 0 ? "; allowed: " + string.Join(", ", allowed) : string.Empty),
                $"The integration's API resources do not include {resources}, so Magento answers 401 \"The consumer isn't authorized to access %resources.\".",
                string.Format(System.Globalization.CultureInfo.InvariantCulture, AclFix, resources));
        }

        return unknown.Count > 0
            ? new DoctorCheck("acl", DoctorStatus.Warn, "could not check: " + string.Join("; ", unknown) + (allowed.Count > 0 ? "; allowed: " + string.Join(", ", allowed) : string.Empty),
                "Some needs could not be checked with a read-only call.", "Name a GET path the resource guards, e.g. --need /V1/orders.")
            : new DoctorCheck("acl", DoctorStatus.Pass, "allowed: " + string.Join(", ", allowed));
    }

    public static async Task<DoctorCheck> StoreCodesAsync(DoctorSession session, CancellationToken cancellationToken)
    {
        Probe views = await session.SignedGetAsync("rest/V1/store/storeViews", cancellationToken).ConfigureAwait(false);
        Probe websites = await session.SignedGetAsync("rest/V1/store/websites", cancellationToken).ConfigureAwait(false);
        if (views.IsGuestRefusal || websites.IsGuestRefusal)
        {
            string resource = views.DeniedResources ?? websites.DeniedResources ?? "Magento_Backend::store";
            return new DoctorCheck("store-codes", DoctorStatus.Warn, "cannot list store views: the integration may not read them",
                $"Listing store views needs {resource}.", string.Format(System.Globalization.CultureInfo.InvariantCulture, AclFix, resource));
        }

        if (views.Status != HttpStatusCode.OK || websites.Status != HttpStatusCode.OK)
        {
            return new DoctorCheck("store-codes", DoctorStatus.Warn, $"cannot list store views: {views.Describe()}, websites {websites.Describe()}",
                "The store did not answer the store-view calls.", "Try again; if it persists, look at the store's exception log.");
        }

        try
        {
            using JsonDocument viewList = JsonDocument.Parse(views.Body);
            using JsonDocument siteList = JsonDocument.Parse(websites.Body);
            var sites = siteList.RootElement.EnumerateArray().ToDictionary(w => w.GetProperty("id").GetInt32(), w => w.GetProperty("code").GetString() ?? "?");
            var text = new StringBuilder("store views: ");
            text.AppendJoin(", ", viewList.RootElement.EnumerateArray()
                .Where(v => v.GetProperty("code").GetString() != "admin")
                .Select(v => $"{v.GetProperty("code").GetString()} ({v.GetProperty("name").GetString()}, website {sites.GetValueOrDefault(v.GetProperty("website_id").GetInt32(), "?")})"));
            text.Append("; websites: ").AppendJoin(", ", siteList.RootElement.EnumerateArray().Where(w => w.GetProperty("code").GetString() != "admin")
                .Select(w => $"{w.GetProperty("code").GetString()} ({w.GetProperty("name").GetString()})"));
            text.Append(". Write to one store view with rest/<code>/V1/…, to all with rest/all/V1/…");
            return new DoctorCheck("store-codes", DoctorStatus.Pass, text.ToString());
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException or ArgumentException)
        {
            return new DoctorCheck("store-codes", DoctorStatus.Warn, "the store-view list is not in Magento's shape", "The answer could not be read: " + e.Message, "Look at the raw answer with 'magento-oauth call STORE GET /V1/store/storeViews'.");
        }
    }
}
