namespace MagentoOAuth.Operations.Dashboard.Pages;

/// <summary>The sign-in form: one field, the admin API key.</summary>
internal static class SignInPage
{
    public static string Render(string nonce, string antiforgeryField, string antiforgeryToken, string returnUrl, string? error) =>
        Layout.Render("Sign in", nonce, $"""
            <h1>Sign in</h1>
            <p>Sign in with an <strong>admin</strong> API key of this server. Create one on the server with
            <code>magento-oauth keys create NAME --scope admin</code>; it is printed once.</p>
            {(error is null ? "" : $"<p class=\"error\" role=\"alert\" id=\"key-error\">{Html.E(error)}</p>")}
            <form method="post" action="/signin">
            <input type="hidden" name="{Html.E(antiforgeryField)}" value="{Html.E(antiforgeryToken)}">
            <input type="hidden" name="returnUrl" value="{Html.E(returnUrl)}">
            <p><label for="key">Admin API key</label><br>
            <input id="key" name="key" type="password" size="64" maxlength="200" autocomplete="off" spellcheck="false" required autofocus{(error is null ? "" : " aria-invalid=\"true\" aria-describedby=\"key-error\"")}></p>
            <p><button type="submit">Sign in</button></p>
            </form>
            <p class="muted">The session ends after 8 hours without use, when you sign out, or at once when the key is revoked (<code>magento-oauth keys revoke NAME</code>).</p>
            """);
}
