using MagentoOAuth.AspNetCore.Lifecycle;
using MagentoOAuth.Storage;

namespace MagentoOAuth.AspNetCore.Tests;

public sealed class LinkWindowTests
{
    [Fact]
    public async Task An_account_links_only_within_the_window_after_the_credential_post()
    {
        var f = new LifecycleFixture();
        StoreConnection active = await f.ConnectAsync();

        f.Time.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));
        Assert.Equal(LinkResult.WindowClosed, await f.Lifecycle.LinkAccountAsync(active.Id, "attacker"));
        Assert.Null((await f.Memory.FindAsync(active.Id))!.AccountId);
        Assert.DoesNotContain(f.Events, e => e.Transition == ConnectionTransition.AccountLinked);
    }

    [Fact]
    public async Task An_activation_links_once_and_another_account_needs_a_reauthorize()
    {
        var f = new LifecycleFixture();
        StoreConnection active = await f.ConnectAsync();
        f.Time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(LinkResult.Linked, await f.Lifecycle.LinkAccountAsync(active.Id, "merchant"));
        Assert.Equal(LinkResult.AlreadyLinked, await f.Lifecycle.LinkAccountAsync(active.Id, "merchant"));
        Assert.Equal(LinkResult.LinkedToAnotherAccount, await f.Lifecycle.LinkAccountAsync(active.Id, "attacker"));
        Assert.Equal("merchant", (await f.Memory.FindAsync(active.Id))!.AccountId);
        Assert.Single(f.Events, e => e.Transition == ConnectionTransition.AccountLinked);

        f.Time.Advance(TimeSpan.FromHours(1));
        await f.Lifecycle.ReceiveAsync(new ReceivedCredentials(active.ConsumerKey, active.ConsumerSecret, LifecycleFixture.Key(), active.StoreBaseUrl));
        Assert.Equal(LinkResult.Linked, await f.Lifecycle.LinkAccountAsync(active.Id, "new-owner"));
        Assert.Equal("new-owner", (await f.Memory.FindAsync(active.Id))!.AccountId);
    }

    [Fact]
    public async Task The_window_is_configurable()
    {
        var f = new LifecycleFixture(configure: o => o.AccountLinkWindow = TimeSpan.FromSeconds(30));
        StoreConnection active = await f.ConnectAsync();
        f.Time.Advance(TimeSpan.FromSeconds(31));

        Assert.Equal(LinkResult.WindowClosed, await f.Lifecycle.LinkAccountAsync(active.Id, "merchant"));
    }
}
