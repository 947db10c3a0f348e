using System.Globalization;
using System.Net;
using System.Text;
using MagentoOAuth.Sandbox.Integrations;
using MagentoOAuth.Sandbox.State;

namespace MagentoOAuth.Sandbox.Admin;

/// <summary>The sandbox admin's HTML: the integrations grid, the new-integration form, and the activation results.</summary>
internal static class AdminPages
{
    private const string Style = """
        body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#303030;background:#f8f8f8}
        header{background:#373330;color:#fff;padding:.8rem 1.5rem}header h1{margin:0;font-size:1.2rem}
        main{max-width:60rem;margin:1.5rem auto;padding:0 1rem}
        table{border-collapse:collapse;width:100%;background:#fff}th,td{border:1px solid #d6d6d6;padding:.5rem;text-align:left}
        th{background:#514943;color:#fff}.active{color:#185b00;font-weight:600}.inactive{color:#8a2b00}
        form.inline{display:inline}button{font:inherit;padding:.35rem .9rem;border:1px solid #514943;background:#fff;cursor:pointer}
        button.primary{background:#eb5202;border-color:#eb5202;color:#fff}
        fieldset{background:#fff;border:1px solid #d6d6d6;margin-top:1.5rem}label{display:block;margin:.5rem 0 .2rem}
        input[type=text],input[type=url]{width:100%;max-width:36rem;padding:.35rem}code{background:#eee;padding:0 .2rem}
        .note{background:#fffbbb;border:1px solid #e2d000;padding:.6rem}.error{background:#fae5e5;border:1px solid #e22626;padding:.6rem}
        """;

    public static string Grid(IReadOnlyList<(IntegrationRecord Integration, ConsumerRecord Consumer)> rows, string? message, string tokenField, string token)
    {
        string hidden = $"<input type=\"hidden\" name=\"{E(tokenField)}\" value=\"{E(token)}\">";
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"""
            <table aria-label="Integrations"><thead><tr><th scope="col">ID</th><th scope="col">Name</th><th scope="col">Callback URL</th><th scope="col">Status</th><th scope="col">Actions</th></tr></thead><tbody>
            """);
        if (rows.Count == 0)
        {
            html.Append("<tr><td colspan=\"5\">No integrations yet: add one below.</td></tr>");
        }

        foreach (var (integration, _) in rows)
        {
            string id = IntegrationService.Id(integration);
            string status = IntegrationService.StatusText(integration);
            string action = integration.Status == 1 ? "Reauthorize" : "Activate";
            html.Append(CultureInfo.InvariantCulture, $"""
                <tr data-integration-id="{id}"><td>{id}</td><td>{E(integration.Name)}</td><td>{E(integration.Endpoint ?? "(manual)")}</td>
                <td class="{status}" data-status="{status}">{(integration.Status == 1 ? "Active" : "Inactive")}</td>
                <td><form class="inline activate" method="post" action="/admin/integrations/{id}/{action.ToLowerInvariant()}">{hidden}<button type="submit" class="primary">{action}</button></form>
                <form class="inline" method="post" action="/admin/integrations/{id}/delete">{hidden}<button type="submit">Delete</button></form></td></tr>
                """);
        }

        html.Append("</tbody></table>");
        html.Append(CultureInfo.InvariantCulture, $$"""
            <fieldset><legend>Add New Integration</legend>
            <form method="post" action="/admin/integrations">{{hidden}}
            <label for="name">Name</label><input id="name" name="name" type="text" required>
            <label for="endpoint">Callback URL</label><input id="endpoint" name="endpoint" type="url" placeholder="https://your-app.example/magento/callback">
            <label for="identity_link_url">Identity Link URL</label><input id="identity_link_url" name="identity_link_url" type="url" placeholder="https://your-app.example/magento/identity">
            <p>Leave both URLs empty for a manual integration: its four credentials are shown on activation.</p>
            <button type="submit" class="primary">Save</button></form></fieldset>
            <script>
            // integration.js: Activate posts the credentials, then opens the Identity Link in a 680x510 popup and
            // reloads the grid when the popup closes. Without JavaScript the form posts and a page shows the link.
            document.querySelectorAll('form.activate').forEach(function (form) {
              form.addEventListener('submit', function (event) {
                event.preventDefault();
                var token = form.querySelector('input[type=hidden]').value;
                fetch(form.action, { method: 'POST', headers: { 'Accept': 'application/json', '{{MagentoOAuth.Sandbox.Endpoints.AdminEndpoints.AntiforgeryHeader}}': token } })
                  .then(function (r) { return r.json(); })
                  .then(function (result) {
                    if (result.callbackError) { alert(result.callbackError); return; }
                    if (!result.identityLinkUrl) { window.location = form.action.replace(/\/(activate|reauthorize)$/, '/credentials'); return; }
                    var popup = window.open(result.identityLinkUrl, 'integration', 'width=680,height=510');
                    var timer = setInterval(function () {
                      if (!popup || popup.closed) { clearInterval(timer); window.location.reload(); }
                    }, 500);
                  });
              });
            });
            </script>
            """);
        return Page("Integrations", html.ToString(), message);
    }

    public static string Activated(IntegrationRecord integration, ActivationResult result)
    {
        if (result.CallbackError is not null)
        {
            return Page("Activation failed", $"<p class=\"error\" role=\"alert\">{E(result.CallbackError)}</p><p><a href=\"/admin\">Back to integrations</a></p>", null);
        }

        if (result.Manual is { } m)
        {
            return Credentials(integration, m);
        }

        return Page("Continue in your app", $"""
            <p>The credentials of <strong>{E(integration.Name)}</strong> were posted to its Callback URL (HTTP {result.CallbackStatus}).</p>
            <p><a href="{E(result.IdentityLinkUrl!)}" target="_blank" rel="opener">Open the Identity Link</a> to finish in the app, then
            <a href="/admin">return to the integrations</a>.</p>
            """, null);
    }

    public static string Credentials(IntegrationRecord integration, ManualCredentials c) => Page("Integration tokens", $"""
        <p>Integration <strong>{E(integration.Name)}</strong> is active. Use these credentials to sign API calls:</p>
        <dl><dt>Consumer Key</dt><dd><code>{E(c.ConsumerKey)}</code></dd><dt>Consumer Secret</dt><dd><code>{E(c.ConsumerSecret)}</code></dd>
        <dt>Access Token</dt><dd><code>{E(c.AccessToken)}</code></dd><dt>Access Token Secret</dt><dd><code>{E(c.AccessTokenSecret)}</code></dd></dl>
        <p><a href="/admin">Back to integrations</a></p>
        """, null);

    /// <summary>I/Controller/Adminhtml/Integration/LoginSuccessCallback.php, exactly.</summary>
    public const string LoginSuccessCallback = "<script>setTimeout(\"self.close()\",1000);</script>";

    private static string Page(string title, string body, string? message) => $"""
        <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
        <title>{E(title)} · Magento sandbox admin</title><style>{Style}</style></head>
        <body><header><h1>Magento sandbox · System › Extensions › Integrations</h1></header><main>
        <h2>{E(title)}</h2>{(message is null ? string.Empty : $"<p class=\"note\" role=\"status\">{E(message)}</p>")}{body}</main></body></html>
        """;

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
