//! The clocks and the local time zone, as the kernel and the C library
//! give them.

/// CLOCK_REALTIME - CLOCK_MONOTONIC, in ns (walltimestamp = ktime_get_ns
/// + this).
pub fn wall_offset_ns() -> i64 {
    let mut rt = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    let mut mono = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes only the timespec given.
    unsafe {
        libc::clock_gettime(libc::CLOCK_REALTIME, &mut rt);
        libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut mono);
    }
    (rt.tv_sec - mono.tv_sec) * 1_000_000_000 + (rt.tv_nsec - mono.tv_nsec)
}

/// The C library's UTC offset and zone abbreviation at `secs` (the local
/// time zone: `TZ`, else /etc/localtime).
pub fn local_offset(secs: i64) -> (i64, String) {
    // SAFETY: localtime_r writes only into `tm`; tzset reads TZ. tm_zone
    // points into libc's static zone table (or is NULL).
    unsafe {
        extern "C" {
            fn tzset();
        }
        tzset();
        let t: libc::time_t = secs as libc::time_t;
        let mut tm: libc::tm = std::mem::zeroed();
        if libc::localtime_r(&t, &mut tm).is_null() {
            return (0, "UTC".to_string());
        }
        let abbrev = if tm.tm_zone.is_null() {
            String::new()
        } else {
            std::ffi::CStr::from_ptr(tm.tm_zone).to_string_lossy().into_owned()
        };
        (tm.tm_gmtoff as i64, abbrev)
    }
}
