using System.Net;
using System.Text;
using MagentoOAuth.Storage;

namespace MagentoOAuth.AspNetCore.Pages;

/// <summary>
/// The page the merchant sees in Magento's Identity Link popup: the store, the live state of the exchange, and a confirm
/// button. Works without JavaScript (a refresh while in progress); with it, it updates itself. No external resources.
/// </summary>
internal static class IdentityPage
{
    private static readonly (ExchangeStep Step, string Label)[] Steps =
    [
        (ExchangeStep.Received, "Credentials received"),
        (ExchangeStep.RequestToken, "Request token"),
        (ExchangeStep.AccessToken, "Access token"),
        (ExchangeStep.Verified, "Verified with a signed API call"),
    ];

    /// <summary>The page; its one style and one script carry <paramref name="nonce"/>, the only ones its Content-Security-Policy runs.</summary>
    public static string Render(StoreConnection? store, string consumerKey, string successCallBack, string formAction, string statusUrl, string antiforgeryField, string antiforgeryToken, string nonce)
    {
        bool terminal = store?.Status is StoreStatus.Active or StoreStatus.Failed or StoreStatus.Revoked;
        var html = new StringBuilder();
        html.Append($$"""
            <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
            <title>Connect your Magento store</title>
            {{(terminal ? string.Empty : "<noscript><meta http-equiv=\"refresh\" content=\"2\"></noscript>")}}
            <style nonce="{{nonce}}">
            body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1d1d1d;background:#fafafa}main{max-width:34rem;margin:1.5rem auto;padding:0 1rem}
            h1{font-size:1.35rem}ol{padding-left:1.2rem}li{margin:.2rem 0}li.done::marker{content:"✓ ";color:#187a00}li.pending{color:#6b6b6b}
            .status{padding:.6rem;border:1px solid #ccc;background:#fff}.failed{border-color:#c00;background:#fff0f0}.active{border-color:#187a00;background:#f1fbef}
            button{font:inherit;padding:.5rem 1.2rem;background:#1f5fbf;color:#fff;border:0;border-radius:3px;cursor:pointer}button:focus{outline:3px solid #ffbf47}
            </style></head><body><main>
            <h1>Connect your Magento store</h1>
            """);
        if (store is null)
        {
            html.Append("<p class=\"status\" role=\"status\" id=\"status\">We have not received this integration's credentials yet. Magento sends them when you click Activate; this page refreshes until they arrive.</p>");
        }
        else
        {
            // The URL only: the name is text the store chose, and this page is unauthenticated.
            html.Append($"<p>Store: <strong id=\"store\">{E(store.StoreBaseUrl)}</strong></p><ol id=\"steps\">");
            foreach (var (step, label) in Steps)
            {
                bool done = store.Step >= step && !(step == ExchangeStep.Verified && store.Status != StoreStatus.Active);
                html.Append($"<li data-step=\"{step}\" class=\"{(done ? "done" : "pending")}\">{label}</li>");
            }

            html.Append($"</ol><p id=\"status\" role=\"status\" aria-live=\"polite\" class=\"status {StatusClass(store.Status)}\">{E(StatusText(store))}</p>");
        }

        html.Append($$"""
            <form method="post" action="{{E(formAction)}}">
            <input type="hidden" name="oauth_consumer_key" value="{{E(consumerKey)}}">
            <input type="hidden" name="success_call_back" value="{{E(successCallBack)}}">
            <input type="hidden" name="{{E(antiforgeryField)}}" value="{{E(antiforgeryToken)}}">
            <p>Confirm to link this store to your account and return to Magento. The connection completes on its own either way.</p>
            <button type="submit" id="confirm">Confirm and return to Magento</button>
            </form>
            <script nonce="{{nonce}}">
            (function () {
              document.documentElement.setAttribute('data-live', '1');
              var steps = ['Received', 'RequestToken', 'AccessToken', 'Verified'];
              function update() {
                fetch('{{E(statusUrl)}}', { headers: { 'Accept': 'application/json' } }).then(function (r) { return r.ok ? r.json() : null; }).then(function (s) {
                  if (!s) { setTimeout(update, 1000); return; }
                  var reached = steps.indexOf(s.step);
                  document.querySelectorAll('#steps li').forEach(function (li) {
                    var i = steps.indexOf(li.getAttribute('data-step'));
                    li.className = (i <= reached && (i < 3 || s.status === 'active')) ? 'done' : 'pending';
                  });
                  var status = document.getElementById('status');
                  if (status) { status.textContent = s.text; status.className = 'status ' + s.status; }
                  if (s.status !== 'active' && s.status !== 'failed' && s.status !== 'revoked') { setTimeout(update, 1000); }
                }, function () { setTimeout(update, 2000); });
              }
              update();
            })();
            </script></main></body></html>
            """);
        return html.ToString();
    }

    public static string Message(string title, string text) =>
        $"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{E(title)}</title></head><body><main><h1>{E(title)}</h1><p role=\"alert\">{E(text)}</p></main></body></html>";

    /// <summary>
    /// What the merchant's popup says, from the status alone. The reason stays off this unauthenticated page: it may hold
    /// a store's own answer (or, for a hostile store, an internal service's); the operator reads it in the log and in
    /// <c>stores show</c>.
    /// </summary>
    public static string StatusText(StoreConnection store) => store.Status switch
    {
        StoreStatus.Active => "Connected. You can return to Magento.",
        StoreStatus.Failed => "The connection could not be completed. Click Reauthorize on this integration in the Magento admin to try again; if it fails again, the app's operator can see why.",
        StoreStatus.Revoked => "Magento no longer accepts this connection's tokens (the integration was deleted or reauthorized). Click Reauthorize in the Magento admin to connect again.",
        StoreStatus.Superseded => "A newer integration for this store replaced this one; nothing to do.",
        _ => "Connecting…",
    };

    public static string StatusClass(StoreStatus status) => status.ToString().ToLowerInvariant();

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
