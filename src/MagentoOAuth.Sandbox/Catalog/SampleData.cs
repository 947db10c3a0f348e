using System.Text.Json.Nodes;

namespace MagentoOAuth.Sandbox.Catalog;

/// <summary>A small, believable store: two store views, a few products (SKUs with '/', spaces and '+'), a few orders.</summary>
internal static class SampleData
{
    // new JsonArray(params JsonNode[]) rather than [..]: the collection expression binds to a generic Add<T> that
    // native AOT cannot compile.
    // One installation as Magento's setup creates it (website 0 / group 0 / store 0 are the admin's; website "base",
    // group "main_website_store" and store view "default" are id 1), plus a French store view in the same group.
    private static readonly (int Id, string Code, string Name)[] Views = [(0, "admin", "Admin"), (1, "default", "Default Store View"), (2, "fr", "French Store View")];

    /// <summary>The store view codes a REST path may name (<c>/rest/{code}/V1/…</c>): every view but the admin's.</summary>
    public static IEnumerable<string> StoreViewCodes => Views.Where(v => v.Id != 0).Select(v => v.Code);

    public static JsonArray StoreConfigs(string baseUrl) => new(
        StoreConfig(1, "default", "en_US", "USD", "America/Los_Angeles", baseUrl),
        StoreConfig(2, "fr", "fr_FR", "EUR", "Europe/Paris", baseUrl));

    public static JsonArray Websites() => new(
        new JsonObject { ["id"] = 0, ["code"] = "admin", ["name"] = "Admin", ["default_group_id"] = 0 },
        new JsonObject { ["id"] = 1, ["code"] = "base", ["name"] = "Main Website", ["default_group_id"] = 1 });

    /// <summary>
    /// StoreRepositoryInterface::getList: every store view, the admin's included (the collection is loaded with
    /// setLoadDefault(true)); fields in Store/Api/Data/StoreInterface's getter order.
    /// </summary>
    public static JsonArray StoreViews() => new(Views.Select(v => (JsonNode)new JsonObject
    {
        ["id"] = v.Id,
        ["code"] = v.Code,
        ["name"] = v.Name,
        ["website_id"] = v.Id == 0 ? 0 : 1,
        ["store_group_id"] = v.Id == 0 ? 0 : 1,
        ["is_active"] = 1,
    }).ToArray());

    /// <summary>GroupRepositoryInterface::getList, fields in Store/Api/Data/GroupInterface's getter order.</summary>
    public static JsonArray StoreGroups() => new(
        new JsonObject { ["id"] = 0, ["website_id"] = 0, ["root_category_id"] = 0, ["default_store_id"] = 0, ["name"] = "Default", ["code"] = "default" },
        new JsonObject { ["id"] = 1, ["website_id"] = 1, ["root_category_id"] = 2, ["default_store_id"] = 1, ["name"] = "Main Website Store", ["code"] = "main_website_store" });

    public static IEnumerable<JsonObject> Products() =>
    [
        Product(1, "24-MB01", "Joust Duffle Bag", 34.00m, "simple", "2026-01-12 09:30:00"),
        Product(2, "24-MB04", "Strive Shoulder Pack", 32.00m, "simple", "2026-01-14 10:00:00"),
        Product(3, "MH01-XS-Black", "Chaz Kangeroo Hoodie-XS-Black", 52.00m, "simple", "2026-02-02 08:15:00"),
        Product(4, "WSH01/28", "Fiona Fitness Short 28", 29.00m, "simple", "2026-02-20 16:45:00"),
        Product(5, "Gift Card 50", "Gift Card (50)", 50.00m, "virtual", "2026-03-01 12:00:00"),
        Product(6, "A+B Cable", "A+B Charging Cable", 9.99m, "simple", "2026-03-05 11:11:00"),
        Product(7, "café-crème", "Café Crème Mug", 14.50m, "simple", "2026-04-09 07:00:00"),
        Product(8, "24-WG02", "Didi Sport Watch", 92.00m, "simple", "2026-05-17 18:20:00"),
    ];

    public static IEnumerable<JsonObject> Orders() =>
    [
        Order(1, "000000001", "complete", 86.00m, "roni_cost@example.com", "2026-06-01 10:00:00"),
        Order(2, "000000002", "processing", 52.00m, "veronica@example.com", "2026-06-02 11:30:00"),
        Order(3, "000000003", "pending", 9.99m, "jane.doe@example.com", "2026-06-03 09:45:00"),
    ];

    private static JsonObject StoreConfig(int id, string code, string locale, string currency, string timezone, string baseUrl) => new()
    {
        ["id"] = id,
        ["code"] = code,
        ["website_id"] = 1,
        ["locale"] = locale,
        ["base_currency_code"] = "USD",
        ["default_display_currency_code"] = currency,
        ["timezone"] = timezone,
        ["weight_unit"] = "lbs",
        ["base_url"] = baseUrl,
        ["base_link_url"] = baseUrl,
        ["base_static_url"] = baseUrl + "static/",
        ["base_media_url"] = baseUrl + "media/",
        ["secure_base_url"] = baseUrl,
        ["secure_base_link_url"] = baseUrl,
        ["secure_base_static_url"] = baseUrl + "static/",
        ["secure_base_media_url"] = baseUrl + "media/",
    };

    private static JsonObject Product(int id, string sku, string name, decimal price, string type, string created) => new()
    {
        ["id"] = id,
        ["sku"] = sku,
        ["name"] = name,
        ["attribute_set_id"] = 4,
        ["price"] = price,
        ["status"] = 1,
        ["visibility"] = 4,
        ["type_id"] = type,
        ["created_at"] = created,
        ["updated_at"] = created,
        ["weight"] = 1,
        ["extension_attributes"] = new JsonObject { ["website_ids"] = new JsonArray(1) },
        ["custom_attributes"] = new JsonArray(new JsonObject { ["attribute_code"] = "url_key", ["value"] = sku.ToLowerInvariant().Replace(' ', '-').Replace('/', '-') }),
    };

    private static JsonObject Order(int id, string increment, string status, decimal total, string email, string created) => new()
    {
        ["entity_id"] = id,
        ["increment_id"] = increment,
        ["state"] = status == "pending" ? "new" : status,
        ["status"] = status,
        ["grand_total"] = total,
        ["base_currency_code"] = "USD",
        ["customer_email"] = email,
        ["created_at"] = created,
        ["store_id"] = 1,
    };
}
