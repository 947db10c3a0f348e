using System.Text.Json;
using MagentoOAuth.Errors;

namespace MagentoOAuth.Tests.Errors;

public sealed class MagentoErrorParserTests
{
    [Theory]
    [InlineData(401, "oauth_problem=Consumer+key+has+expired", MagentoProblem.ConsumerKeyExpired, "Consumer key has expired")]
    [InlineData(401, "oauth_problem=The+signature+is+invalid.+Verify+and+try+again.", MagentoProblem.SignatureInvalid, "The signature is invalid. Verify and try again.")]
    [InlineData(401, "oauth_problem=The+nonce+is+already+being+used+by+the+consumer+with+ID+7", MagentoProblem.NonceReused, "The nonce is already being used by the consumer with ID 7")]
    [InlineData(401, "oauth_problem=An+error+occurred+validating+the+nonce", MagentoProblem.TimestampOrNonceRejected, "An error occurred validating the nonce")]
    [InlineData(400, "oauth_problem=Signature+method+HMAC-SHA1+is+not+supported", MagentoProblem.SignatureMethodRejected, "Signature method HMAC-SHA1 is not supported")]
    [InlineData(400, "oauth_problem=%22oauth_consumer_key%22+is+required.+Enter+and+try+again.", MagentoProblem.ParameterMissing, "\"oauth_consumer_key\" is required. Enter and try again.")]
    [InlineData(401, "oauth_problem=Cannot+create+request+token+because+consumer+token+is+not+a+verifier+token", MagentoProblem.RequestTokenAlreadyIssued, "Cannot create request token because consumer token is not a verifier token")]
    [InlineData(401, "oauth_problem=Token+verifier+and+verifier+token+do+not+match", MagentoProblem.VerifierInvalid, "Token verifier and verifier token do not match")]
    public void Token_endpoint_refusals_are_classified(int status, string body, MagentoProblem problem, string message)
    {
        MagentoOAuthException error = MagentoErrorParser.FromBody(status, body);
        Assert.Equal(problem, error.Problem);
        Assert.Equal(status, error.Status);
        Assert.Equal(message, error.MagentoMessage);
        Assert.NotEmpty(error.Cause);
        Assert.NotEmpty(error.Fix);
    }

    [Fact]
    public void Several_missing_parameters_mean_the_authorization_header_did_not_arrive()
    {
        MagentoOAuthException error = MagentoErrorParser.FromBody(400,
            "oauth_problem=%22oauth_consumer_key%22+is+required.+Enter+and+try+again%2C+%22oauth_signature%22+is+required.+Enter+and+try+again");
        Assert.Equal(MagentoProblem.ParameterMissing, error.Problem);
        Assert.Contains("Authorization header", error.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exception_text_never_carries_user_info_from_the_url()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://user:pa55@shop.example.com/rest/V1/orders?customer=jane");
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.Unauthorized) { RequestMessage = request, Content = new StringContent("{\"message\":\"x\"}") };
        MagentoOAuthException error = await MagentoErrorParser.ToExceptionAsync(response);
        Assert.Equal("GET https://shop.example.com/rest/V1/orders", error.Request);
        Assert.DoesNotContain("pa55", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("jane", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Expired_consumer_explains_the_300_second_window_and_reauthorize()
    {
        MagentoOAuthException error = MagentoErrorParser.FromBody(401, "oauth_problem=Consumer+key+has+expired");
        Assert.Contains("300 s", error.Cause, StringComparison.Ordinal);
        Assert.Contains("Reauthorize", error.Fix, StringComparison.Ordinal);
        Assert.Contains("Consumer key has expired", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rest_json_fills_named_placeholders()
    {
        MagentoOAuthException error = MagentoErrorParser.FromBody(401,
            """{"message":"The consumer isn't authorized to access %resources.","parameters":{"resources":"Magento_Catalog::products"}}""");
        Assert.Equal(MagentoProblem.NotAuthorized, error.Problem);
        Assert.Equal("The consumer isn't authorized to access Magento_Catalog::products.", error.MagentoMessage);
        Assert.Contains("Bearer", error.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public void Rest_json_fills_positional_placeholders_without_confusing_1_and_10()
    {
        using JsonDocument parameters = JsonDocument.Parse("""["a","b","c","d","e","f","g","h","i","j"]""");
        Assert.Equal("first=a tenth=j", MagentoErrorParser.Render("first=%1 tenth=%10", parameters.RootElement));
    }

    [Fact]
    public void Rest_404_for_unknown_product_keeps_magento_message()
    {
        MagentoOAuthException error = MagentoErrorParser.FromBody(404,
            """{"message":"The product that was requested doesn't exist. Verify the product and try again."}""");
        Assert.Equal(MagentoProblem.NotFound, error.Problem);
        Assert.Equal("The product that was requested doesn't exist. Verify the product and try again.", error.MagentoMessage);
    }

    [Fact]
    public void Internal_error_on_token_endpoint_is_a_server_error_with_php_message()
    {
        MagentoOAuthException error = MagentoErrorParser.FromBody(500,
            "oauth_problem=internal_error%26message%3DWarning%3A+Array+to+string+conversion+in+Utility.php");
        Assert.Equal(MagentoProblem.ServerError, error.Problem);
        Assert.Equal("Warning: Array to string conversion in Utility.php", error.MagentoMessage);
    }

    [Fact]
    public void Html_page_with_200_is_an_unexpected_response_pointing_at_the_base_url()
    {
        MagentoOAuthException error = MagentoErrorParser.FromBody(200, "<!doctype html><html><body>Home page</body></html>");
        Assert.Equal(MagentoProblem.UnexpectedResponse, error.Problem);
        Assert.Contains("base URL", error.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public void Token_revoked_rest_answer_is_classified()
    {
        Assert.Equal(MagentoProblem.TokenNotFound, MagentoErrorParser.FromBody(401, """{"message":"Specified token does not exist"}""").Problem);
        Assert.Equal(MagentoProblem.TokenRevoked, MagentoErrorParser.FromBody(401, """{"message":"Access token has been revoked"}""").Problem);
    }
}
