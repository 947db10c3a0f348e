using MagentoOAuth.AspNetCore.Exchange;
using Microsoft.Extensions.Time.Testing;

namespace MagentoOAuth.AspNetCore.Tests.Hardening;

/// <summary>The exchange queue: each store once, untried stores before retries (newest first), retries only when due, a cap per host.</summary>
public sealed class ExchangeQueueTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private static async Task<Guid> TakeAsync(ExchangeQueue queue)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        return (await queue.TakeAsync(() => true, timeout.Token)).Id;
    }

    [Fact]
    public async Task A_store_is_held_once_however_often_the_scan_finds_it()
    {
        using var queue = new ExchangeQueue(_time);
        Guid id = Guid.NewGuid();
        Assert.True(queue.Add(id, "shop.example.com"));
        for (int scan = 0; scan < 50; scan++)
        {
            Assert.False(queue.Add(id, "shop.example.com"));
        }

        Assert.Equal(1, queue.Count);
        Assert.Equal(1, queue.CountForHost("shop.example.com"));
        Assert.Equal(id, await TakeAsync(queue));

        // Nothing else to take: the duplicates were never queued.
        using var briefly = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queue.TakeAsync(() => true, briefly.Token));
        queue.Remove(id);
        Assert.Equal(0, queue.Count);
        Assert.Equal(0, queue.CountForHost("shop.example.com"));
    }

    [Fact]
    public async Task A_new_activation_runs_before_every_retry_and_the_newest_first()
    {
        using var queue = new ExchangeQueue(_time);
        Guid[] retrying = [.. Enumerable.Range(0, 20).Select(_ => Guid.NewGuid())];
        foreach (Guid id in retrying)
        {
            queue.Add(id, "hangs.example.com");
            Assert.Equal(id, await TakeAsync(queue));
            queue.Retry(id, _time.GetUtcNow(), failures: 3); // due now
        }

        Guid older = Guid.NewGuid(), newest = Guid.NewGuid();
        queue.Add(older, "a.example.com");
        queue.Add(newest, "b.example.com");

        Assert.Equal(newest, await TakeAsync(queue));
        Assert.Equal(older, await TakeAsync(queue));
        Assert.Contains(await TakeAsync(queue), retrying);
    }

    [Fact]
    public async Task A_retry_is_taken_only_when_due_and_keeps_its_count_of_failures()
    {
        using var queue = new ExchangeQueue(_time);
        Guid id = Guid.NewGuid();
        queue.Add(id, "shop.example.com");
        await TakeAsync(queue);
        queue.Retry(id, _time.GetUtcNow() + TimeSpan.FromSeconds(8), failures: 4);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        Task<(Guid Id, int Failures, ExchangeQueue.Lane Lane)> taking = queue.TakeAsync(() => true, timeout.Token);
        await Task.Delay(100);
        Assert.False(taking.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(7));
        await Task.Delay(100);
        Assert.False(taking.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal((id, 4, ExchangeQueue.Lane.Other), await taking);
        Assert.Equal(1, queue.Count); // held while it runs
    }

    [Fact]
    public async Task A_reauthorize_wakes_a_store_waiting_for_its_retry()
    {
        using var queue = new ExchangeQueue(_time);
        Guid id = Guid.NewGuid();
        queue.Add(id, "shop.example.com");
        await TakeAsync(queue);
        queue.Retry(id, _time.GetUtcNow() + TimeSpan.FromMinutes(5), failures: 6);

        Assert.False(queue.Add(id, "shop.example.com"), "a scan does not wake it");
        Assert.True(queue.Add(id, "shop.example.com", wake: true));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        Assert.Equal((id, 0, ExchangeQueue.Lane.Other), await queue.TakeAsync(() => true, timeout.Token));
    }

    [Fact]
    public async Task A_callback_from_the_stores_own_address_runs_before_every_other_and_while_the_other_lane_is_full()
    {
        using var queue = new ExchangeQueue(_time);
        Guid[] forged = [.. Enumerable.Range(0, 50).Select(_ => Guid.NewGuid())];
        foreach (Guid id in forged)
        {
            queue.Add(id, "hangs.example.com");
        }

        Guid real = Guid.NewGuid();
        queue.Add(real, "shop.example.com", lane: ExchangeQueue.Lane.FromStore);
        queue.Add(Guid.NewGuid(), "hangs.example.com"); // newer, but not from its store

        Assert.Equal(real, await TakeAsync(queue));

        // The other lane's slots are all taken: a taker waits, and a store-lane arrival still gets through.
        bool otherOpen = false;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        Task<(Guid Id, int Failures, ExchangeQueue.Lane Lane)> taking = queue.TakeAsync(() => otherOpen, timeout.Token);
        await Task.Delay(100);
        Assert.False(taking.IsCompleted, "nothing of the other lane is taken while it is full");
        Guid second = Guid.NewGuid();
        queue.Add(second, "other-shop.example.com", lane: ExchangeQueue.Lane.FromStore);
        Assert.Equal((second, 0, ExchangeQueue.Lane.FromStore), await taking);

        // When one of its slots frees, the other lane goes on, newest first.
        Task<(Guid Id, int Failures, ExchangeQueue.Lane Lane)> next = queue.TakeAsync(() => otherOpen, timeout.Token);
        await Task.Delay(100);
        Assert.False(next.IsCompleted);
        otherOpen = true;
        queue.Wake();
        Assert.Equal(ExchangeQueue.Lane.Other, (await next).Lane);
    }

    [Theory]
    [InlineData("203.0.113.7", new[] { "203.0.113.7" }, true)]
    [InlineData("::ffff:203.0.113.7", new[] { "203.0.113.7", "2001:db8::7" }, true)]
    [InlineData("2001:db8::7", new[] { "203.0.113.7", "2001:db8::7" }, true)]
    [InlineData("198.51.100.1", new[] { "203.0.113.7" }, false)]
    [InlineData("203.0.113.7", new string[0], false)]
    public void The_lane_is_the_store_lane_only_when_the_callback_came_from_an_address_of_the_store_host(string client, string[] store, bool fromStore) =>
        Assert.Equal(fromStore ? ExchangeQueue.Lane.FromStore : ExchangeQueue.Lane.Other, MagentoOAuth.AspNetCore.Endpoints.Callback.CallbackEndpoint.LaneOf(System.Net.IPAddress.Parse(client), [.. store.Select(System.Net.IPAddress.Parse)]));

    [Fact]
    public async Task A_reauthorize_during_a_turn_runs_the_store_again_when_the_turn_ends()
    {
        using var queue = new ExchangeQueue(_time);
        Guid id = Guid.NewGuid();
        queue.Add(id, "shop.example.com");
        await TakeAsync(queue);

        Assert.True(queue.Add(id, "shop.example.com", wake: true, lane: ExchangeQueue.Lane.FromStore)); // while it runs
        queue.Remove(id); // the turn failed the store with the old verifier

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        Assert.Equal((id, 0, ExchangeQueue.Lane.FromStore), await queue.TakeAsync(() => true, timeout.Token));
        queue.Remove(id);
        Assert.Equal(0, queue.Count);
        Assert.Equal(0, queue.CountForHost("shop.example.com"));
    }

    [Fact]
    public void Reservations_cap_the_unfinished_activations_of_one_host()
    {
        using var queue = new ExchangeQueue(_time);
        for (int i = 0; i < 5; i++)
        {
            Assert.True(queue.TryReserve("hangs.example.com", perHostLimit: 5));
        }

        Assert.False(queue.TryReserve("hangs.example.com", perHostLimit: 5));
        Assert.True(queue.TryReserve("other.example.com", perHostLimit: 5));
        // Forgeries fill the other lane's count only: the store's own callback still has room.
        Assert.True(queue.TryReserve("hangs.example.com", perHostLimit: 5, ExchangeQueue.Lane.FromStore));
        queue.CancelReservation("hangs.example.com", ExchangeQueue.Lane.FromStore);

        queue.Add(Guid.NewGuid(), "hangs.example.com", reserved: true); // a reservation becomes an entry
        queue.CancelReservation("hangs.example.com");                   // a callback that was refused after all
        Assert.Equal(4, queue.CountForHost("hangs.example.com"));
        Assert.True(queue.TryReserve("hangs.example.com", perHostLimit: 5));
    }

    [Theory]
    [InlineData("https://Shop.Example.com:8443/magento/", "shop.example.com")]
    [InlineData("http://shop.example.com/", "shop.example.com")]
    [InlineData("https://[2001:db8::1]/", "2001:db8::1")]
    public void Stores_are_counted_by_host_whatever_the_port_path_or_case(string url, string host) =>
        Assert.Equal(host, ExchangeQueue.HostOf(url));
}
