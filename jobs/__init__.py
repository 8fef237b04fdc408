"""The one job system: REST call -> task -> live progress -> result."""
