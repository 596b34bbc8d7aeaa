//! Files open on descriptors that are not ours to own (standard output).

use std::os::fd::{AsRawFd, BorrowedFd};

/// ftruncate(): empties the regular file open on `fd` and moves its offset
/// back to 0; anything else (a terminal, a pipe) is left alone.
pub fn truncate_if_regular(fd: BorrowedFd<'_>) {
    let fd = fd.as_raw_fd();
    // SAFETY: fstat/ftruncate/lseek on a borrowed descriptor with a valid
    // stat buffer.
    unsafe {
        let mut st: libc::stat = std::mem::zeroed();
        if libc::fstat(fd, &mut st) == 0 && st.st_mode & libc::S_IFMT == libc::S_IFREG {
            libc::ftruncate(fd, 0);
            libc::lseek(fd, 0, libc::SEEK_SET);
        }
    }
}
