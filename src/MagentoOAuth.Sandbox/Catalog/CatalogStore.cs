using System.Text.Json.Nodes;

namespace MagentoOAuth.Sandbox.Catalog;

/// <summary>The sandbox's products and orders, in memory (changes last until the sandbox stops).</summary>
internal sealed class CatalogStore
{
    private readonly Lock _lock = new();
    private readonly List<JsonObject> _products = SampleData.Products().ToList();
    private readonly List<JsonObject> _orders = SampleData.Orders().ToList();

    public JsonObject SearchProducts(SearchCriteria criteria)
    {
        lock (_lock) { return criteria.Apply(_products); }
    }

    public JsonObject SearchOrders(SearchCriteria criteria)
    {
        lock (_lock) { return criteria.Apply(_orders); }
    }

    public JsonObject? GetProduct(string sku)
    {
        lock (_lock) { return (JsonObject?)_products.FirstOrDefault(p => (string?)p["sku"] == sku)?.DeepClone(); }
    }

    /// <summary>ProductRepository::save: updates the product with this SKU, or creates it.</summary>
    public JsonObject SaveProduct(string sku, JsonObject changes)
    {
        lock (_lock)
        {
            JsonObject? product = _products.FirstOrDefault(p => (string?)p["sku"] == sku);
            if (product is null)
            {
                product = new JsonObject { ["id"] = _products.Count == 0 ? 1 : _products.Max(p => (int)p["id"]!) + 1, ["sku"] = sku, ["attribute_set_id"] = 4, ["status"] = 1, ["visibility"] = 4, ["type_id"] = "simple" };
                _products.Add(product);
            }

            foreach (var (name, value) in changes)
            {
                if (name is not "id" and not "sku")
                {
                    product[name] = value?.DeepClone();
                }
            }

            product["updated_at"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
            return (JsonObject)product.DeepClone();
        }
    }

    public bool DeleteProduct(string sku)
    {
        lock (_lock) { return _products.RemoveAll(p => (string?)p["sku"] == sku) > 0; }
    }
}
