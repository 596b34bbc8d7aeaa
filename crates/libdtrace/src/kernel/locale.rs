//! The C library's locale, for what DTrace's `setlocale(LC_ALL, "")` would
//! change in its output: the grouping of digits.

use std::ffi::CStr;

/// The thousands separator and grouping sizes (`localeconv(3)`'s
/// `thousands_sep` and `grouping`) of the environment's `LC_NUMERIC`
/// (`LC_ALL`, `LC_NUMERIC`, `LANG`); None when that locale cannot be loaded.
pub fn numeric_grouping() -> Option<(Vec<u8>, Vec<u8>)> {
    // SAFETY: newlocale/nl_langinfo_l/freelocale on a locale object of our
    // own; the returned strings are copied before the object is freed.
    unsafe {
        let loc = libc::newlocale(libc::LC_NUMERIC_MASK, c"".as_ptr(), std::ptr::null_mut());
        if loc.is_null() {
            return None;
        }
        let item = |i: libc::nl_item| {
            let p = libc::nl_langinfo_l(i, loc);
            if p.is_null() {
                Vec::new()
            } else {
                CStr::from_ptr(p).to_bytes().to_vec()
            }
        };
        // GROUPING follows THOUSEP in glibc's LC_NUMERIC items.
        let g = (item(libc::THOUSEP), item(libc::THOUSEP + 1));
        libc::freelocale(loc);
        Some(g)
    }
}
