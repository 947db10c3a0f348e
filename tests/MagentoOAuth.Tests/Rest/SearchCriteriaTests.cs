using MagentoOAuth.Rest;
using MagentoOAuth.Signing;

namespace MagentoOAuth.Tests.Rest;

public sealed class SearchCriteriaTests
{
    [Fact]
    public void Builds_magentos_search_criteria_fully_encoded()
    {
        string query = new SearchCriteria().Where("name", "%red shirt%", "like").Or("sku", "A+B/1").OrderBy("price", descending: true).PageSize(20).Page(2).ToQueryString();

        Assert.Equal(
            "searchCriteria%5BfilterGroups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bfield%5D=name&searchCriteria%5BfilterGroups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5Bvalue%5D=%25red%20shirt%25" +
            "&searchCriteria%5BfilterGroups%5D%5B0%5D%5Bfilters%5D%5B0%5D%5BconditionType%5D=like&searchCriteria%5BfilterGroups%5D%5B0%5D%5Bfilters%5D%5B1%5D%5Bfield%5D=sku" +
            "&searchCriteria%5BfilterGroups%5D%5B0%5D%5Bfilters%5D%5B1%5D%5Bvalue%5D=A%2BB%2F1&searchCriteria%5BfilterGroups%5D%5B0%5D%5Bfilters%5D%5B1%5D%5BconditionType%5D=eq" +
            "&searchCriteria%5BsortOrders%5D%5B0%5D%5Bfield%5D=price&searchCriteria%5BsortOrders%5D%5B0%5D%5Bdirection%5D=DESC&searchCriteria%5BpageSize%5D=20&searchCriteria%5BcurrentPage%5D=2",
            query);
    }

    [Fact]
    public void Its_requests_are_accepted_by_every_magento_generation()
    {
        var criteria = new SearchCriteria().PageSize(5);
        for (int i = 0; i < 10; i++)
        {
            criteria.Where("field" + i, "value " + i + " +/%", i % 2 == 0 ? "eq" : "like");
        }

        var request = new OAuthRequest("GET", new Uri("https://shop.example.com/rest/V1/products?" + criteria.ToQueryString()));
        Assert.Empty(PortabilityAnalyzer.Analyze(request));
    }

    [Fact]
    public void More_than_ten_groups_are_refused_with_advice()
    {
        var criteria = new SearchCriteria();
        for (int i = 0; i < 10; i++)
        {
            criteria.Where("f" + i, "v");
        }

        var error = Assert.Throws<InvalidOperationException>(() => criteria.Where("f10", "v"));
        Assert.Contains("'in' condition", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_criteria_is_the_empty_search_criteria_magento_requires()
    {
        Assert.Equal("searchCriteria=", new SearchCriteria().ToQueryString());
        Assert.Throws<InvalidOperationException>(() => new SearchCriteria().Or("a", "b"));
    }
}
