using System.Net;
using System.Text.RegularExpressions;

namespace MagentoOAuth.Operations.Tests.Dashboard;

/// <summary>A browser without JavaScript, over HTTP: cookies kept, redirects not followed (the tests look at them), forms posted with their token.</summary>
public sealed partial class DashboardClient : IDisposable
{
    private readonly HttpClient _http;

    public DashboardClient(Uri adminUrl)
    {
        Cookies = new CookieContainer();
        _http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false }) { BaseAddress = adminUrl, Timeout = TimeSpan.FromSeconds(90) };
    }

    public CookieContainer Cookies { get; }

    /// <summary>Every page body this client received, for the no-secret check.</summary>
    public List<string> Pages { get; } = [];

    public async Task<(HttpResponseMessage Response, string Body)> GetAsync(string path, string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (bearer is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }

        HttpResponseMessage response = await _http.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();
        Pages.Add(body);
        return (response, body);
    }

    public async Task<(HttpResponseMessage Response, string Body)> PostAsync(string path, IEnumerable<KeyValuePair<string, string>> fields)
    {
        HttpResponseMessage response = await _http.PostAsync(path, new FormUrlEncodedContent(fields));
        string body = await response.Content.ReadAsStringAsync();
        Pages.Add(body);
        return (response, body);
    }

    /// <summary>Posts the form at <paramref name="action"/> of <paramref name="page"/> with its hidden fields and <paramref name="extra"/>.</summary>
    public Task<(HttpResponseMessage Response, string Body)> SubmitAsync(string page, string action, params (string Name, string Value)[] extra)
    {
        Match form = Regex.Match(page, $"<form method=\"post\" action=\"{Regex.Escape(action)}\">(.*?)</form>", RegexOptions.Singleline);
        Assert.True(form.Success, $"no form posting to {action}");
        var fields = HiddenField().Matches(form.Groups[1].Value).Select(m => KeyValuePair.Create(WebUtility.HtmlDecode(m.Groups[1].Value), WebUtility.HtmlDecode(m.Groups[2].Value))).ToList();
        fields.AddRange(extra.Select(e => KeyValuePair.Create(e.Name, e.Value)));
        return PostAsync(action, fields);
    }

    /// <summary>Signs in through the form; returns the answer to the POST.</summary>
    public async Task<(HttpResponseMessage Response, string Body)> SignInAsync(string key)
    {
        (_, string page) = await GetAsync("/signin");
        return await SubmitAsync(page, "/signin", ("key", key));
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenField();
}
