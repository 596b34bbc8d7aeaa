//! The kernel's BPF object constants (map, program and attach types,
//! map flags): shared by the code generator, which picks them, and the
//! kernel layer, which passes them to bpf(2).

// Map types.
pub const BPF_MAP_TYPE_HASH: u32 = 1;
pub const BPF_MAP_TYPE_ARRAY: u32 = 2;
pub const BPF_MAP_TYPE_PERF_EVENT_ARRAY: u32 = 4;
pub const BPF_MAP_TYPE_PERCPU_HASH: u32 = 5;
pub const BPF_MAP_TYPE_PERCPU_ARRAY: u32 = 6;
pub const BPF_MAP_TYPE_STACK_TRACE: u32 = 7;
pub const BPF_MAP_TYPE_LRU_HASH: u32 = 9;
pub const BPF_MAP_TYPE_LRU_PERCPU_HASH: u32 = 10;
pub const BPF_MAP_TYPE_RINGBUF: u32 = 27;

// Map creation flags.
/// Hash maps: allocate elements on demand instead of up front.
pub const BPF_F_NO_PREALLOC: u32 = 1 << 0;
/// Programs may only read the map.
pub const BPF_F_RDONLY_PROG: u32 = 1 << 7;
/// Array maps: allow mmap(2) of the values.
pub const BPF_F_MMAPABLE: u32 = 1 << 10;

// Map update flags.
pub const BPF_ANY: u64 = 0;
pub const BPF_NOEXIST: u64 = 1;
pub const BPF_EXIST: u64 = 2;

// Program types.
pub const BPF_PROG_TYPE_KPROBE: u32 = 2;
pub const BPF_PROG_TYPE_TRACEPOINT: u32 = 5;
pub const BPF_PROG_TYPE_PERF_EVENT: u32 = 7;
pub const BPF_PROG_TYPE_RAW_TRACEPOINT: u32 = 17;
pub const BPF_PROG_TYPE_TRACING: u32 = 26;

// Attach types (expected_attach_type at load, attach_type at link create).
pub const BPF_TRACE_FENTRY: u32 = 24;
pub const BPF_TRACE_FEXIT: u32 = 25;
pub const BPF_PERF_EVENT: u32 = 41;
pub const BPF_TRACE_KPROBE_MULTI: u32 = 42;
