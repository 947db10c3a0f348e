// One scenario at a time: each measures throughput and latency, and overlapping them would measure each other.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
