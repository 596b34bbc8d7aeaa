//! The consumer: record decoding, aggregation merging and DTrace's output formats.
