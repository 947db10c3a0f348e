using MagentoOAuth.AspNetCore.Lifecycle;
using MagentoOAuth.Storage;

namespace MagentoOAuth.AspNetCore.Tests;

public sealed class LifecycleTests
{
    [Fact]
    public async Task An_activation_raises_each_transition_once_and_records_it_in_the_history()
    {
        var f = new LifecycleFixture();
        StoreConnection active = await f.ConnectAsync();

        Assert.Equal(StoreStatus.Active, active.Status);
        Assert.Equal([ConnectionTransition.Received, ConnectionTransition.Exchanging, ConnectionTransition.Activated], f.Events.Select(e => e.Transition));
        Assert.Equal([null, StoreStatus.Pending, StoreStatus.Exchanging], f.Events.Select(e => e.OldStatus));
        Assert.Equal([StoreStatus.Pending, StoreStatus.Exchanging, StoreStatus.Active], f.Events.Select(e => e.NewStatus));
        Assert.Equal(f.Events.Select(e => e.Transition), (await f.Memory.ListAsync(active.Id)).Select(h => h.Transition));
    }

    [Fact]
    public async Task A_throwing_status_handler_is_isolated_and_the_transition_stands()
    {
        var f = new LifecycleFixture(configure: o => o.Events.OnStatusChanged = _ => throw new InvalidOperationException("app bug"));
        StoreConnection active = await f.ConnectAsync();

        Assert.Equal(StoreStatus.Active, (await f.Memory.FindAsync(active.Id))!.Status);
    }

    [Fact]
    public async Task Nothing_leaves_failed_but_a_new_activation()
    {
        var f = new LifecycleFixture();
        ReceiveResult received = await f.Lifecycle.ReceiveAsync(new ReceivedCredentials(LifecycleFixture.Key(), "s".PadLeft(32, 's'), LifecycleFixture.Key(), "https://shop.example.com/"));
        StoreConnection exchanged = await f.ExchangeAsync(received.Connection!);
        StoreConnection failed = (await f.Lifecycle.FailAsync(exchanged, "refused", default))!;

        // A verification that arrives late for the failed activation changes nothing.
        Assert.Null(await f.Lifecycle.ActivateAsync(exchanged, c => c with { Step = ExchangeStep.Verified }, default));
        Assert.Equal(StoreStatus.Failed, (await f.Memory.FindAsync(failed.Id))!.Status);

        ReceiveResult again = await f.Lifecycle.ReceiveAsync(new ReceivedCredentials(failed.ConsumerKey, failed.ConsumerSecret, LifecycleFixture.Key(), failed.StoreBaseUrl));
        Assert.Equal(ReceiveOutcome.Reauthorized, again.Outcome);
        Assert.Equal(StoreStatus.Active, (await f.VerifyAsync(await f.ExchangeAsync(again.Connection!))).Status);
    }

    [Theory]
    [InlineData(StoreStatus.Failed, StoreStatus.Active, ConnectionTransition.Activated)]
    [InlineData(StoreStatus.Revoked, StoreStatus.Active, ConnectionTransition.Activated)]
    [InlineData(StoreStatus.Superseded, StoreStatus.Active, ConnectionTransition.Activated)]
    [InlineData(StoreStatus.Pending, StoreStatus.Active, ConnectionTransition.Activated)]
    [InlineData(StoreStatus.Failed, StoreStatus.Revoked, ConnectionTransition.Revoked)]
    [InlineData(StoreStatus.Active, StoreStatus.Failed, ConnectionTransition.Failed)]
    [InlineData(StoreStatus.Active, StoreStatus.Revoked, null)]
    public void Transitions_outside_the_life_are_refused(StoreStatus from, StoreStatus to, ConnectionTransition? transition) =>
        Assert.False(ConnectionRules.IsAllowed(from, to, transition));

    [Theory]
    [InlineData(StoreStatus.Failed, StoreStatus.Pending, ConnectionTransition.Reauthorized)]
    [InlineData(StoreStatus.Superseded, StoreStatus.Pending, ConnectionTransition.Reauthorized)]
    [InlineData(StoreStatus.Exchanging, StoreStatus.Superseded, ConnectionTransition.Superseded)]
    [InlineData(StoreStatus.Active, StoreStatus.Active, ConnectionTransition.AccountLinked)]
    public void Transitions_of_the_life_are_allowed(StoreStatus from, StoreStatus to, ConnectionTransition transition) =>
        Assert.True(ConnectionRules.IsAllowed(from, to, transition));

    [Fact]
    public async Task A_reauthorize_records_the_replaced_token_and_clears_it()
    {
        var f = new LifecycleFixture();
        StoreConnection active = await f.ConnectAsync();
        ReceiveResult again = await f.Lifecycle.ReceiveAsync(new ReceivedCredentials(active.ConsumerKey, active.ConsumerSecret, LifecycleFixture.Key(), active.StoreBaseUrl));

        Assert.Null(again.Connection!.AccessToken);
        HistoryEntry rotation = (await f.Memory.ListAsync(active.Id))[^1];
        Assert.Equal((ConnectionTransition.Reauthorized, StoreStatus.Active, StoreStatus.Pending), (rotation.Transition, rotation.From, rotation.To));
        Assert.Equal(TokenFingerprint.Of(active.AccessToken!), rotation.AccessTokenFingerprint);
    }

    [Fact]
    public async Task A_known_key_with_another_secret_or_store_changes_nothing()
    {
        var f = new LifecycleFixture();
        StoreConnection active = await f.ConnectAsync();

        Assert.Equal(ReceiveOutcome.SecretMismatch, (await f.Lifecycle.ReceiveAsync(new ReceivedCredentials(active.ConsumerKey, LifecycleFixture.Key(), LifecycleFixture.Key(), active.StoreBaseUrl))).Outcome);
        Assert.Equal(ReceiveOutcome.StoreMismatch, (await f.Lifecycle.ReceiveAsync(new ReceivedCredentials(active.ConsumerKey, active.ConsumerSecret, LifecycleFixture.Key(), "https://evil.example.com/"))).Outcome);
        Assert.Equal(active, await f.Memory.FindAsync(active.Id));
    }

    [Fact]
    public async Task A_revocation_applies_only_to_the_token_magento_refused()
    {
        var f = new LifecycleFixture();
        StoreConnection active = await f.ConnectAsync();

        Assert.Null(await f.Lifecycle.RevokeAsync(active.Id, "some-older-token", "gone", default));
        StoreConnection revoked = (await f.Lifecycle.RevokeAsync(active.Id, active.AccessToken!, "gone", default))!;
        Assert.Equal(StoreStatus.Revoked, revoked.Status);
        Assert.Equal(ConnectionTransition.Revoked, f.Events.Last().Transition);
    }
}
