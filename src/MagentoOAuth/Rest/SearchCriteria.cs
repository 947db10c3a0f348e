using System.Globalization;
using MagentoOAuth.Signing;

namespace MagentoOAuth.Rest;

/// <summary>
/// Builds Magento's <c>searchCriteria</c> query string in portable form (every bracket and value percent-encoded):
/// filter groups are ANDed, the filters inside one group ORed.
/// </summary>
/// <example><code>
/// string query = new SearchCriteria()
///     .Where("name", "%shirt%", "like")
///     .Where("price", "50", "lt")
///     .OrderBy("price")
///     .PageSize(100)
///     .ToQueryString();
/// await client.GetAsync("V1/products?" + query);
/// </code></example>
public sealed class SearchCriteria
{
    // Indices of 10 and more sort differently in Magento 2.4.0–2.4.7 (natural order) than in RFC 5849 (byte order).
    private const int PortableIndexLimit = 10;

    private readonly List<List<(string Field, string Value, string Condition)>> _groups = [];
    private readonly List<(string Field, bool Descending)> _sortOrders = [];
    private int? _pageSize;
    private int? _currentPage;

    /// <summary>Adds a filter group with one filter (ANDed with the other groups).</summary>
    /// <param name="field">The attribute, e.g. <c>sku</c>.</param>
    /// <param name="value">The value; for <c>in</c>, comma-separated values.</param>
    /// <param name="condition">eq (default), neq, like, nlike, in, nin, gt, gteq, lt, lteq, null, notnull, from, to.</param>
    public SearchCriteria Where(string field, string value, string condition = "eq")
    {
        Check(_groups.Count, "filter groups");
        _groups.Add([(Require(field, nameof(field)), value ?? string.Empty, Require(condition, nameof(condition)))]);
        return this;
    }

    /// <summary>Adds a filter to the last group (ORed with it).</summary>
    /// <param name="field">The attribute.</param>
    /// <param name="value">The value.</param>
    /// <param name="condition">The condition type.</param>
    public SearchCriteria Or(string field, string value, string condition = "eq")
    {
        if (_groups.Count == 0)
        {
            throw new InvalidOperationException("Or() adds to the last filter group: call Where() first.");
        }

        Check(_groups[^1].Count, "filters in one group");
        _groups[^1].Add((Require(field, nameof(field)), value ?? string.Empty, Require(condition, nameof(condition))));
        return this;
    }

    /// <summary>Sorts by <paramref name="field"/>; call again for secondary orders.</summary>
    /// <param name="field">The attribute.</param>
    /// <param name="descending">Descending instead of ascending.</param>
    public SearchCriteria OrderBy(string field, bool descending = false)
    {
        Check(_sortOrders.Count, "sort orders");
        _sortOrders.Add((Require(field, nameof(field)), descending));
        return this;
    }

    /// <summary>How many items per page.</summary>
    /// <param name="size">At least 1.</param>
    public SearchCriteria PageSize(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        _pageSize = size;
        return this;
    }

    /// <summary>Which page, from 1.</summary>
    /// <param name="page">At least 1.</param>
    public SearchCriteria Page(int page)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        _currentPage = page;
        return this;
    }

    /// <summary>A copy of these criteria on another page.</summary>
    /// <param name="page">The page.</param>
    public SearchCriteria OnPage(int page)
    {
        var copy = new SearchCriteria { _pageSize = _pageSize };
        copy._groups.AddRange(_groups.Select(g => g.ToList()));
        copy._sortOrders.AddRange(_sortOrders);
        return copy.Page(page);
    }

    /// <summary>The portable query string (without '?'). With no criteria at all, <c>searchCriteria=</c>, which Magento requires.</summary>
    public string ToQueryString()
    {
        var parts = new List<string>();
        for (int g = 0; g < _groups.Count; g++)
        {
            for (int f = 0; f < _groups[g].Count; f++)
            {
                var (field, value, condition) = _groups[g][f];
                string prefix = string.Create(CultureInfo.InvariantCulture, $"searchCriteria[filterGroups][{g}][filters][{f}]");
                parts.Add(Pair(prefix + "[field]", field));
                parts.Add(Pair(prefix + "[value]", value));
                parts.Add(Pair(prefix + "[conditionType]", condition));
            }
        }

        for (int s = 0; s < _sortOrders.Count; s++)
        {
            string prefix = string.Create(CultureInfo.InvariantCulture, $"searchCriteria[sortOrders][{s}]");
            parts.Add(Pair(prefix + "[field]", _sortOrders[s].Field));
            parts.Add(Pair(prefix + "[direction]", _sortOrders[s].Descending ? "DESC" : "ASC"));
        }

        if (_pageSize is { } size)
        {
            parts.Add(Pair("searchCriteria[pageSize]", size.ToString(CultureInfo.InvariantCulture)));
        }

        if (_currentPage is { } page)
        {
            parts.Add(Pair("searchCriteria[currentPage]", page.ToString(CultureInfo.InvariantCulture)));
        }

        return parts.Count == 0 ? "searchCriteria=" : string.Join('&', parts);
    }

    /// <inheritdoc />
    public override string ToString() => ToQueryString();

    private static string Pair(string name, string value) => PercentEncoding.Encode(name) + "=" + PercentEncoding.Encode(value);

    private static string Require(string value, string name) =>
        string.IsNullOrEmpty(value) ? throw new ArgumentException($"{name} must not be empty.", name) : value;

    private static void Check(int count, string what)
    {
        if (count >= PortableIndexLimit)
        {
            throw new InvalidOperationException(
                $"More than {PortableIndexLimit} {what} cannot be signed so that every Magento version accepts it (indices of 10 and more sort " +
                "differently in 2.4.0–2.4.7). Combine values with the 'in' condition, or split the query.");
        }
    }
}
