//! Providers: list probes, match descriptions, attach programs.
