//! Kernel access: bpf(2), perf_event_open(2), tracefs, BPF ring buffers.
