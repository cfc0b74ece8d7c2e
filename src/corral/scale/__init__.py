"""Running one fleet from many controllers: shards of hosts, and merging their reports."""
