//! Ids of the BPF helper functions the generated code calls (the kernel's
//! `enum bpf_func_id`).

pub const H_MAP_LOOKUP: i32 = 1;
pub const H_MAP_UPDATE: i32 = 2;
pub const H_MAP_DELETE: i32 = 3;
pub const H_KTIME: i32 = 5;
pub const H_PRANDOM: i32 = 7;
pub const H_SMP_ID: i32 = 8;
pub const H_PID_TGID: i32 = 14;
pub const H_UID_GID: i32 = 15;
pub const H_COMM: i32 = 16;
pub const H_CURRENT_TASK: i32 = 35;
pub const H_PROBE_WRITE_USER: i32 = 36;
pub const H_GET_STACK: i32 = 67;
pub const H_SEND_SIGNAL: i32 = 109;
pub const H_READ_USER: i32 = 112;
pub const H_READ_KERNEL: i32 = 113;
pub const H_READ_USER_STR: i32 = 114;
pub const H_READ_KERNEL_STR: i32 = 115;
pub const H_RINGBUF_OUTPUT: i32 = 130;
pub const H_RINGBUF_QUERY: i32 = 134;
pub const H_CURRENT_TASK_BTF: i32 = 158;
pub const H_GET_ATTACH_COOKIE: i32 = 174;
pub const H_TASK_PT_REGS: i32 = 175;
pub const H_LOOP: i32 = 181;
