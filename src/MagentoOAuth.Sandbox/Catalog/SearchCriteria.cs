using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MagentoOAuth.Sandbox.Oauth;

namespace MagentoOAuth.Sandbox.Catalog;

/// <summary>
/// Magento's <c>searchCriteria</c> from the query string (snake_case or camelCase names): filter groups are ANDed,
/// filters inside a group ORed; condition types eq, neq, like, nlike, in, nin, gt, gteq, lt, lteq, null, notnull;
/// sort orders; page size and current page. Results are <c>{"items", "search_criteria", "total_count"}</c>.
/// </summary>
internal sealed class SearchCriteria
{
    private readonly List<List<(string Field, string Value, string Condition)>> _groups = [];
    private readonly List<(string Field, bool Descending)> _sorts = [];
    private int? _pageSize;
    private int? _currentPage;

    /// <summary>Parses the query as PHP's $_GET does; null when <c>searchCriteria</c> is absent (Magento requires it).</summary>
    public static SearchCriteria? Parse(string query)
    {
        PhpArray get = PhpArray.ParseStr(query);
        if ((get["searchCriteria"] ?? get["search_criteria"]) is not PhpArray criteria)
        {
            return get.ContainsKey("searchCriteria") || get.ContainsKey("search_criteria") ? new SearchCriteria() : null;
        }

        var result = new SearchCriteria();
        if (Either(criteria, "filter_groups", "filterGroups") is PhpArray groups)
        {
            foreach (var (_, groupValue) in groups.Items)
            {
                var group = new List<(string, string, string)>();
                if (groupValue is PhpArray g && g["filters"] is PhpArray filters)
                {
                    foreach (var (_, filterValue) in filters.Items)
                    {
                        if (filterValue is PhpArray f && f["field"] is string field)
                        {
                            string condition = Either(f, "condition_type", "conditionType") as string ?? "eq";
                            group.Add((field, Php.ToUtf8(f["value"] as string ?? string.Empty), condition.Length == 0 ? "eq" : condition));
                        }
                    }
                }

                result._groups.Add(group);
            }
        }

        if (Either(criteria, "sort_orders", "sortOrders") is PhpArray sorts)
        {
            foreach (var (_, sortValue) in sorts.Items)
            {
                if (sortValue is PhpArray s && s["field"] is string field)
                {
                    result._sorts.Add((field, string.Equals(s["direction"] as string, "DESC", StringComparison.OrdinalIgnoreCase)));
                }
            }
        }

        result._pageSize = ParseInt(Either(criteria, "page_size", "pageSize"));
        result._currentPage = ParseInt(Either(criteria, "current_page", "currentPage"));
        return result;
    }

    public JsonObject Apply(IEnumerable<JsonObject> source)
    {
        List<JsonObject> matching = source.Where(item => _groups.All(group => group.Count == 0 || group.Any(f => Matches(item, f)))).ToList();
        IEnumerable<JsonObject> ordered = matching;
        foreach (var (field, descending) in Enumerable.Reverse(_sorts))
        {
            ordered = descending ? ordered.OrderByDescending(i => Key(i, field), Comparer<object>.Create(CompareValues))
                                 : ordered.OrderBy(i => Key(i, field), Comparer<object>.Create(CompareValues));
        }

        List<JsonObject> sorted = ordered.ToList();
        IEnumerable<JsonObject> page = sorted;
        if (_pageSize is > 0)
        {
            page = sorted.Skip(((_currentPage ?? 1) - 1) * _pageSize.Value).Take(_pageSize.Value);
        }

        return new JsonObject
        {
            ["items"] = new JsonArray(page.Select(i => (JsonNode)i.DeepClone()).ToArray()),
            ["search_criteria"] = Echo(),
            ["total_count"] = matching.Count,
        };
    }

    private JsonObject Echo()
    {
        var echo = new JsonObject
        {
            ["filter_groups"] = new JsonArray(_groups.Select(g => (JsonNode)new JsonObject
            {
                ["filters"] = new JsonArray(g.Select(f => (JsonNode)new JsonObject { ["field"] = f.Field, ["value"] = f.Value, ["condition_type"] = f.Condition }).ToArray()),
            }).ToArray()),
        };
        if (_sorts.Count > 0)
        {
            echo["sort_orders"] = new JsonArray(_sorts.Select(s => (JsonNode)new JsonObject { ["field"] = s.Field, ["direction"] = s.Descending ? "DESC" : "ASC" }).ToArray());
        }

        if (_pageSize is not null) { echo["page_size"] = _pageSize; }
        if (_currentPage is not null) { echo["current_page"] = _currentPage; }
        return echo;
    }

    private static bool Matches(JsonObject item, (string Field, string Value, string Condition) filter)
    {
        string? actual = item[filter.Field]?.ToString();
        return filter.Condition switch
        {
            "eq" => actual == filter.Value,
            "neq" => actual != filter.Value,
            "like" => actual is not null && Like(filter.Value).IsMatch(actual),
            "nlike" => actual is null || !Like(filter.Value).IsMatch(actual),
            "in" => filter.Value.Split(',').Contains(actual),
            "nin" => !filter.Value.Split(',').Contains(actual),
            "gt" => CompareValues(ParseValue(actual), ParseValue(filter.Value)) > 0,
            "gteq" or "from" => CompareValues(ParseValue(actual), ParseValue(filter.Value)) >= 0,
            "lt" => CompareValues(ParseValue(actual), ParseValue(filter.Value)) < 0,
            "lteq" or "to" => CompareValues(ParseValue(actual), ParseValue(filter.Value)) <= 0,
            "null" => actual is null,
            "notnull" => actual is not null,
            _ => false,
        };
    }

    private static Regex Like(string pattern) =>
        new("^" + Regex.Escape(pattern).Replace("%", ".*", StringComparison.Ordinal).Replace("_", ".", StringComparison.Ordinal) + "$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline, TimeSpan.FromSeconds(1));

    private static object Key(JsonObject item, string field) => ParseValue(item[field]?.ToString());

    private static object ParseValue(string? text) =>
        decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out decimal number) ? number : text ?? string.Empty;

    private static int CompareValues(object? a, object? b) => (a, b) switch
    {
        (decimal x, decimal y) => x.CompareTo(y),
        _ => string.CompareOrdinal(a?.ToString(), b?.ToString()),
    };

    private static object? Either(PhpArray array, string snake, string camel) => array[snake] ?? array[camel];

    private static int? ParseInt(object? value) => value is string text && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int number) ? number : null;
}
