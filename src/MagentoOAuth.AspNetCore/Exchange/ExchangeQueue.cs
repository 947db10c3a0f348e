namespace MagentoOAuth.AspNetCore.Exchange;

/// <summary>
/// The unfinished exchanges this instance knows, each held once, and the order they run in. The database, not this
/// queue, is the record: a lost item is found again by the scan.
/// <para>
/// Order: a store that has not been tried yet runs before any retry, newest first. Under a flood of forged callbacks
/// at stores that never answer, the real activation that arrives last is the next to get a slot instead of waiting
/// behind every forgery (a LIFO queue under overload); when there is no backlog the order does not matter. Retries
/// wait here, not in an exchange slot, and run when due.
/// </para>
/// <para>
/// Two lanes. Magento posts the callback from the store's own server, so a callback whose client address is one the
/// store host resolves to is very likely real (<see cref="Lane.FromStore"/>); a forger would have to send from the
/// store's address. That lane runs first and may use every exchange slot, while the other lane may use only part of
/// them (<see cref="TakeAsync"/>): a burst of forgeries at stores that never answer cannot hold every slot for the
/// request timeout. A store behind a CDN or load balancer whose callback comes from another address is in the other
/// lane, no worse off than before lanes existed.
/// </para>
/// </summary>
internal sealed class ExchangeQueue(TimeProvider time) : IDisposable
{
    /// <summary>The most stores held at once; the callback refuses new activations beyond it.</summary>
    internal const int Capacity = 10_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, Entry> _entries = [];
    private readonly Dictionary<string, int> _perHost = new(StringComparer.OrdinalIgnoreCase);
    private readonly Stack<Guid>[] _fresh = [new(), new()];
    private readonly PriorityQueue<Guid, DateTimeOffset>[] _retries = [new(), new()];
    private readonly SemaphoreSlim _signal = new(0, int.MaxValue);

    /// <summary>How a store's activation arrived, which decides its lane.</summary>
    public enum Lane
    {
        /// <summary>The callback came from an address the store host resolves to, as Magento's does.</summary>
        FromStore = 0,

        /// <summary>From anywhere else, or found by the scan.</summary>
        Other = 1,
    }

    /// <summary>How many stores are held (running, waiting or due).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>How many unfinished stores are held for <paramref name="host"/> in both lanes, counting admissions not yet added.</summary>
    public int CountForHost(string host)
    {
        lock (_gate)
        {
            return _perHost.GetValueOrDefault(Key(host, Lane.Other)) + _perHost.GetValueOrDefault(Key(host, Lane.FromStore));
        }
    }

    // Each lane has its own count per host: forgeries (other lane) naming a real store's host cannot fill the cap its
    // own callbacks need, and callbacks sent from a hanging store's own address are capped in theirs.
    private static string Key(string host, Lane lane) => lane == Lane.FromStore ? host + " from-store" : host;

    /// <summary>
    /// Reserves room for a new activation of <paramref name="host"/> while its callback is stored: false if the host
    /// already has <paramref name="perHostLimit"/> unfinished ones or the queue is full. Give the reservation back with
    /// <see cref="Add"/> (reserved: true) or <see cref="CancelReservation"/>.
    /// </summary>
    public bool TryReserve(string host, int perHostLimit, Lane lane = Lane.Other)
    {
        lock (_gate)
        {
            int held = _perHost.GetValueOrDefault(Key(host, lane));
            if (held >= perHostLimit || _entries.Count >= Capacity)
            {
                return false;
            }

            _perHost[Key(host, lane)] = held + 1;
            return true;
        }
    }

    public void CancelReservation(string host, Lane lane = Lane.Other)
    {
        lock (_gate)
        {
            Decrement(Key(host, lane));
        }
    }

    /// <summary>The key stores are counted under: the host of a store base URL, without port or path.</summary>
    public static string HostOf(string storeBaseUrl) =>
        Uri.TryCreate(storeBaseUrl, UriKind.Absolute, out Uri? url) && Network.StoreAddressResolver.AsciiHostOf(url) is { } host
            ? host.ToLowerInvariant()
            : storeBaseUrl; // never stored: the callback refuses such URLs

    /// <summary>
    /// Adds a store to run now; false (and the reservation, if any, given back) when it is already held. With
    /// <paramref name="wake"/> (a Reauthorize just arrived), a store waiting for a retry runs now, counted afresh, in
    /// the lane of this callback.
    /// </summary>
    public bool Add(Guid id, string host, bool reserved = false, bool wake = false, Lane lane = Lane.Other)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(id, out Entry? held))
            {
                if (reserved)
                {
                    Decrement(Key(host, lane));
                }

                if (wake && held.State == EntryState.Running)
                {
                    // A Reauthorize while a turn runs: that turn may end the store (failed) with the old verifier, so
                    // it runs once more when the turn ends instead of waiting for the next scan.
                    held.Rerun = true;
                    held.Lane = lane;
                    return true;
                }

                if (!wake || held.State != EntryState.Waiting)
                {
                    return false;
                }

                held.State = EntryState.Fresh;
                held.Failures = 0;
                held.Lane = lane;
                _fresh[(int)lane].Push(id);
            }
            else
            {
                string key = Key(host, lane);
                if (!reserved)
                {
                    _perHost[key] = _perHost.GetValueOrDefault(key) + 1;
                }

                _entries[id] = new Entry(key) { Lane = lane };
                _fresh[(int)lane].Push(id);
            }
        }

        _signal.Release();
        return true;
    }

    /// <summary>
    /// Waits for the next store to run: from the store lane, an untried one (newest first), else its retry due first;
    /// then the same from the other lane, but only while <paramref name="mayTakeOther"/> says so (the worker keeps
    /// part of its slots for the store lane). The store stays held (so neither the scan nor a callback adds it twice)
    /// until <see cref="Retry"/> or <see cref="Remove"/>. <see cref="Wake"/> makes it look again.
    /// </summary>
    public async Task<(Guid Id, int Failures, Lane Lane)> TakeAsync(Func<bool> mayTakeOther, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mayTakeOther);
        while (true)
        {
            TimeSpan wait = Timeout.InfiniteTimeSpan;
            lock (_gate)
            {
                foreach (Lane lane in (Lane[])[Lane.FromStore, Lane.Other])
                {
                    if (lane == Lane.Other && !mayTakeOther())
                    {
                        break;
                    }

                    if (TakeFresh(lane) is { } fresh)
                    {
                        return fresh;
                    }

                    (Guid Id, int Failures, Lane Lane)? due = TakeDue(lane, out TimeSpan left);
                    if (due is { } ready)
                    {
                        return ready;
                    }

                    if (left != Timeout.InfiniteTimeSpan && (wait == Timeout.InfiniteTimeSpan || left < wait))
                    {
                        wait = left;
                    }
                }
            }

            // Woken by an Add, a Retry or a Wake, or when the first retry is due. A wake-up with nothing to take looks again.
            if (wait == Timeout.InfiniteTimeSpan)
            {
                await _signal.WaitAsync(cancellationToken);
                continue;
            }

            using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Task signalled = _signal.WaitAsync(either.Token);
            await Task.WhenAny(signalled, Task.Delay(wait, time, either.Token));
            await either.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                await signalled;
            }
            catch (OperationCanceledException)
            {
                // The retry came due first.
            }
        }
    }

    private (Guid, int, Lane)? TakeFresh(Lane lane)
    {
        while (_fresh[(int)lane].TryPop(out Guid id))
        {
            // A store woken into the other lane leaves a stale id here: only an entry still fresh in this lane counts.
            if (_entries.TryGetValue(id, out Entry? entry) && entry.State == EntryState.Fresh && entry.Lane == lane)
            {
                entry.State = EntryState.Running;
                return (id, entry.Failures, lane);
            }
        }

        return null;
    }

    private (Guid, int, Lane)? TakeDue(Lane lane, out TimeSpan left)
    {
        left = Timeout.InfiniteTimeSpan;
        PriorityQueue<Guid, DateTimeOffset> retries = _retries[(int)lane];
        while (retries.TryPeek(out Guid id, out DateTimeOffset due))
        {
            if (!_entries.TryGetValue(id, out Entry? entry) || entry.State != EntryState.Waiting || entry.Due != due || entry.Lane != lane)
            {
                retries.Dequeue();
                continue;
            }

            left = due - time.GetUtcNow();
            if (left > TimeSpan.Zero)
            {
                return null;
            }

            retries.Dequeue();
            entry.State = EntryState.Running;
            return (id, entry.Failures, lane);
        }

        return null;
    }

    /// <summary>Puts a store that failed for a passing reason back, to run at <paramref name="due"/> after <paramref name="failures"/> failures in a row.</summary>
    public void Retry(Guid id, DateTimeOffset due, int failures)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(id, out Entry? entry))
            {
                return;
            }

            if (entry.Rerun)
            {
                Refresh(id, entry);
            }
            else
            {
                entry.State = EntryState.Waiting;
                entry.Due = due;
                entry.Failures = failures;
                _retries[(int)entry.Lane].Enqueue(id, due);
            }
        }

        _signal.Release();
    }

    /// <summary>
    /// Forgets a store whose turn ended it (active, failed, superseded) — unless a Reauthorize arrived during the turn,
    /// then it runs again at once. The scan finds any store again that is still unfinished.
    /// </summary>
    public void Remove(Guid id)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(id, out Entry? entry))
            {
                return;
            }

            if (!entry.Rerun)
            {
                _entries.Remove(id);
                Decrement(entry.CountKey);
                return;
            }

            Refresh(id, entry);
        }

        _signal.Release();
    }

    private void Refresh(Guid id, Entry entry)
    {
        entry.Rerun = false;
        entry.State = EntryState.Fresh;
        entry.Failures = 0;
        _fresh[(int)entry.Lane].Push(id);
    }

    /// <summary>Makes a waiting <see cref="TakeAsync"/> look again (a slot of the other lane came free).</summary>
    public void Wake() => _signal.Release();

    public void Dispose() => _signal.Dispose();

    private void Decrement(string host)
    {
        int held = _perHost.GetValueOrDefault(host) - 1;
        if (held <= 0)
        {
            _perHost.Remove(host);
        }
        else
        {
            _perHost[host] = held;
        }
    }

    private enum EntryState
    {
        Fresh,
        Running,
        Waiting,
    }

    private sealed class Entry(string countKey)
    {
        /// <summary>Where the entry is counted in the per-host caps (its host and the lane it arrived in).</summary>
        public string CountKey { get; } = countKey;

        public Lane Lane { get; set; }

        public EntryState State { get; set; }

        public DateTimeOffset Due { get; set; }

        public int Failures { get; set; }

        public bool Rerun { get; set; }
    }
}
