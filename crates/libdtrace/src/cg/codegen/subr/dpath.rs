//! d_path(struct path *): a file's absolute path, as the kernel's d_path()
//! writes it, built in BPF (the kernel's bpf_d_path helper is allowed only
//! in a few fentry hooks). Also behind `cwd`, `root` and fileinfo_t's
//! fi_pathname and fi_mount.
//!
//! The path is built backwards from its end in a buffer of two strsizes:
//! each bpf_loop step prepends "/" and one dentry's name and moves to its
//! parent; at the root of a mount it moves to the mount point in the parent
//! mount instead, and it stops at the root of the first mount (or at a
//! dentry that is its own parent). Like the kernel's, the text gets
//! " (deleted)" after an unlinked file, and pipes, sockets and anonymous
//! inodes get their pseudo names ("pipe:[1234]"). A path longer than
//! strsize keeps its last components.

use super::super::*;
use super::emit::base;
use crate::cg::funcs::Callback;

// Cells of the work area.
/// The current mount (`struct mount *`).
const MOUNT: i16 = 0;
/// The current dentry.
const DENTRY: i16 = 8;
/// Where the text built so far starts in BUF.
const POS: i16 = 16;
/// POS before the walk (nothing prepended by the walk if unchanged).
const START: i16 = 24;
const T: i16 = 32;
const T2: i16 = 40;
const INO: i16 = 48;
const BUF: i16 = 56;

const PIPEFS_MAGIC: i32 = 0x5049_5045;
const SOCKFS_MAGIC: i32 = 0x534F_434B;
const ANON_INODE_FS_MAGIC: i32 = 0x0904_1934;

/// Kernel structure offsets the walk needs, from BTF.
#[derive(Clone, Copy)]
pub(in crate::cg::codegen) struct PathOffsets {
    path_mnt: i32,
    path_dentry: i32,
    mount_mnt: i32,
    mount_parent: i32,
    mount_mountpoint: i32,
    vfs_root: i32,
    d_parent: i32,
    d_name_len: i32,
    d_name_name: i32,
    d_hash_pprev: i32,
    d_op: i32,
    d_dname: i32,
    d_sb: i32,
    s_magic: i32,
    d_inode: i32,
    i_ino: i32,
}

/// The work area: a temp offset (main code) or the callback's R6.
#[derive(Clone, Copy)]
struct Area {
    reg: Option<Reg>,
    off: u32,
}

impl Area {
    /// r = the work area's address.
    fn ptr(self, a: &mut Asm, r: Reg) {
        match self.reg {
            Some(x) => a.emit(Insn::mov64_reg(r, x)),
            None => {
                base(a, r);
                a.emit(Insn::alu64_imm(BPF_ADD, r, self.off as i32));
            }
        }
    }
    fn ld(self, a: &mut Asm, r: Reg, cell: i16) {
        self.ptr(a, r);
        a.emit(Insn::ldx(BPF_DW, r, r, cell));
    }
    /// cell = r (clobbers R0).
    fn st(self, a: &mut Asm, cell: i16, r: Reg) {
        self.ptr(a, R0);
        a.emit(Insn::stx(BPF_DW, R0, r, cell));
    }
    fn set(self, a: &mut Asm, cell: i16, v: i32) {
        self.ptr(a, R0);
        a.emit(Insn::st_imm(BPF_DW, R0, cell, v));
    }
    /// Reads `size` bytes of kernel memory at R3 into `cell` (clobbers R0-R5).
    fn read(self, a: &mut Asm, cell: i16, size: i32) {
        self.ptr(a, R1);
        a.emit(Insn::alu64_imm(BPF_ADD, R1, cell as i32));
        a.emit(Insn::mov64_imm(R2, size));
        a.emit(Insn::call(H_READ_KERNEL));
    }
    /// cell = the pointer-sized member at `off` of the object in `from`.
    fn read_member(self, a: &mut Asm, cell: i16, from: i16, off: i32) {
        self.ld(a, R3, from);
        a.emit(Insn::alu64_imm(BPF_ADD, R3, off));
        self.read(a, cell, 8);
    }
    /// Moves POS back one byte and leaves R2 at that byte's address less
    /// BUF; jumps to `full` when POS is 0 (keeps R4 and R5).
    fn back_one(self, a: &mut Asm, s: i32, full: Label) {
        self.ld(a, R1, POS);
        a.jmp_imm(BPF_JEQ, R1, 0, full);
        a.emit(Insn::alu64_imm(BPF_SUB, R1, 1));
        clamp(a, R1, s - 1);
        self.st(a, POS, R1);
        self.ptr(a, R2);
        a.emit(Insn::alu64_reg(BPF_ADD, R2, R1));
    }
    /// Prepends the byte in R4 (keeps R5).
    fn prepend_reg(self, a: &mut Asm, s: i32, full: Label) {
        self.back_one(a, s, full);
        a.emit(Insn::stx(BPF_B, R2, R4, BUF));
    }
    fn prepend_text(self, a: &mut Asm, s: i32, text: &[u8], full: Label) {
        for &b in text.iter().rev() {
            self.back_one(a, s, full);
            a.emit(Insn::st_imm(BPF_B, R2, BUF, b as i32));
        }
    }
    /// Prepends the name of the dentry in DENTRY, after a "/" if `slash`;
    /// jumps to `full` when it does not fit.
    fn prepend_name(self, a: &mut Asm, s: i32, o: &PathOffsets, slash: bool, full: Label) {
        self.set(a, T, 0);
        self.ld(a, R3, DENTRY);
        a.emit(Insn::alu64_imm(BPF_ADD, R3, o.d_name_len));
        self.read(a, T, 4);
        self.read_member(a, T2, DENTRY, o.d_name_name);
        // R1 = the length, R2 = where it goes.
        self.ld(a, R1, T);
        a.jmp_imm(BPF_JGT, R1, s - 2, full);
        self.ld(a, R2, POS);
        clamp(a, R2, s - 1);
        a.emit(Insn::mov64_reg(R3, R1));
        a.emit(Insn::alu64_imm(BPF_ADD, R3, slash as i32));
        a.jmp_reg(BPF_JGT, R3, R2, full);
        a.emit(Insn::alu64_reg(BPF_SUB, R2, R3));
        clamp(a, R2, s - 1);
        self.st(a, POS, R2);
        self.ptr(a, R3);
        a.emit(Insn::alu64_reg(BPF_ADD, R3, R2));
        if slash {
            a.emit(Insn::st_imm(BPF_B, R3, BUF, b'/' as i32));
        }
        a.emit(Insn::alu64_imm(BPF_ADD, R3, BUF as i32 + slash as i32));
        a.emit(Insn::mov64_reg(R2, R1));
        a.emit(Insn::mov64_reg(R1, R3));
        self.ld(a, R3, T2);
        a.emit(Insn::call(H_READ_KERNEL));
    }
}

/// r = min(r, max) (unsigned), for the verifier.
fn clamp(a: &mut Asm, r: Reg, max: i32) {
    let ok = a.label();
    a.jmp_imm(BPF_JLE, r, max, ok);
    a.emit(Insn::mov64_imm(r, max));
    a.bind(ok);
}

impl<'a> Codegen<'a> {
    fn path_offsets(&self, line: u32) -> R<PathOffsets> {
        let off = |st: &str, path: &[&str]| -> R<i32> { Ok(self.kernel_member(line, "a file path", st, path)?.0) };
        Ok(PathOffsets {
            path_mnt: off("path", &["mnt"])?,
            path_dentry: off("path", &["dentry"])?,
            mount_mnt: off("mount", &["mnt"])?,
            mount_parent: off("mount", &["mnt_parent"])?,
            mount_mountpoint: off("mount", &["mnt_mountpoint"])?,
            vfs_root: off("vfsmount", &["mnt_root"])?,
            d_parent: off("dentry", &["d_parent"])?,
            d_name_len: off("dentry", &["d_name", "len"])?,
            d_name_name: off("dentry", &["d_name", "name"])?,
            d_hash_pprev: off("dentry", &["d_hash", "pprev"])?,
            d_op: off("dentry", &["d_op"])?,
            d_dname: off("dentry_operations", &["d_dname"])?,
            d_sb: off("dentry", &["d_sb"])?,
            s_magic: off("super_block", &["s_magic"])?,
            d_inode: off("dentry", &["d_inode"])?,
            i_ino: off("inode", &["i_ino"])?,
        })
    }

    /// d_path(path): see the module comment.
    pub(in crate::cg::codegen) fn d_path(&mut self, f: &mut Prog, line: u32, path: &Expr) -> R<Reg> {
        let p = self.expr(f, path)?;
        self.path_string(f, line, p, false)
    }

    /// The path of the `struct path` whose address is in `p` (which then
    /// holds the result); with `mount_point`, the path of the mount point
    /// its mount is mounted on instead.
    pub(in crate::cg::codegen) fn path_string(&mut self, f: &mut Prog, line: u32, p: Reg, mount_point: bool) -> R<Reg> {
        let o = self.path_offsets(line)?;
        let s = self.strsize as i32;
        let area = Area { reg: None, off: self.tmp(f, BUF as u32 + 2 * self.strsize) };
        let out = self.new_str(f);
        let ctx = self.stack_slot(f, line)?;
        let step = Self::callback(f, Callback::PathStep);
        let a = &mut f.asm;
        let (walk, finish) = (a.label(), a.label());
        // The mount (from its vfsmount member) and the starting dentry.
        a.emit(Insn::mov64_reg(R3, p));
        a.emit(Insn::alu64_imm(BPF_ADD, R3, o.path_mnt));
        area.read(a, MOUNT, 8);
        if mount_point {
            area.read_member(a, DENTRY, MOUNT, o.vfs_root);
        } else {
            a.emit(Insn::mov64_reg(R3, p));
            a.emit(Insn::alu64_imm(BPF_ADD, R3, o.path_dentry));
            area.read(a, DENTRY, 8);
        }
        area.ld(a, R1, MOUNT);
        a.emit(Insn::alu64_imm(BPF_SUB, R1, o.mount_mnt));
        area.st(a, MOUNT, R1);
        area.set(a, POS, s - 1);
        area.ptr(a, R1);
        a.emit(Insn::st_imm(BPF_B, R1, BUF + s as i16 - 1, 0));
        if !mount_point {
            // Files of pseudo file systems name themselves (d_dname).
            area.read_member(a, T, DENTRY, o.d_op);
            area.ld(a, R3, T);
            a.jmp_imm(BPF_JEQ, R3, 0, walk);
            a.emit(Insn::alu64_imm(BPF_ADD, R3, o.d_dname));
            area.read(a, T, 8);
            area.ld(a, R1, T);
            a.jmp_imm(BPF_JEQ, R1, 0, walk);
            Self::pseudo_name(a, area, s, &o, walk, finish);
            a.bind(walk);
            // Unlinked: unhashed, and not a root.
            let kept = a.label();
            area.read_member(a, T, DENTRY, o.d_hash_pprev);
            area.ld(a, R1, T);
            a.jmp_imm(BPF_JNE, R1, 0, kept);
            area.read_member(a, T, DENTRY, o.d_parent);
            area.ld(a, R1, T);
            area.ld(a, R2, DENTRY);
            a.jmp_reg(BPF_JEQ, R1, R2, kept);
            area.prepend_text(a, s, b" (deleted)", finish);
            a.bind(kept);
        } else {
            a.bind(walk);
        }
        area.ld(a, R1, POS);
        area.st(a, START, R1);
        area.ptr(a, R1);
        a.emit(Insn::stx(BPF_DW, FP, R1, ctx));
        a.emit(Insn::mov64_imm(R1, s / 2 + 64));
        a.ld_func(R2, step);
        a.emit(Insn::mov64_reg(R3, FP));
        a.emit(Insn::alu64_imm(BPF_ADD, R3, ctx as i32));
        a.emit(Insn::mov64_imm(R4, 0));
        a.emit(Insn::call(H_LOOP));
        // The root itself is "/".
        area.ld(a, R1, POS);
        area.ld(a, R2, START);
        a.jmp_reg(BPF_JNE, R1, R2, finish);
        area.prepend_text(a, s, b"/", finish);
        a.bind(finish);
        area.ld(a, R3, POS);
        clamp(a, R3, s - 1);
        area.ptr(a, R1);
        a.emit(Insn::alu64_reg(BPF_ADD, R3, R1));
        a.emit(Insn::alu64_imm(BPF_ADD, R3, BUF as i32));
        Self::tmp_ptr_a(a, R1, out);
        a.emit(Insn::mov64_imm(R2, s));
        a.emit(Insn::call(H_READ_KERNEL_STR));
        Self::tmp_ptr(f, p, out);
        Ok(p)
    }

    /// The kernel's names for pipes ("pipe:[ino]"), sockets
    /// ("socket:[ino]") and anonymous inodes ("anon_inode:name"); other
    /// file systems go to `other` (the walk).
    fn pseudo_name(a: &mut Asm, area: Area, s: i32, o: &PathOffsets, other: Label, finish: Label) {
        let (pipe, socket, anon) = (a.label(), a.label(), a.label());
        area.read_member(a, T, DENTRY, o.d_sb);
        area.read_member(a, T2, T, o.s_magic);
        area.read_member(a, T, DENTRY, o.d_inode);
        area.read_member(a, INO, T, o.i_ino);
        area.ld(a, R1, T2);
        a.jmp_imm(BPF_JEQ, R1, PIPEFS_MAGIC, pipe);
        a.jmp_imm(BPF_JEQ, R1, SOCKFS_MAGIC, socket);
        a.jmp_imm(BPF_JEQ, R1, ANON_INODE_FS_MAGIC, anon);
        a.ja(other);
        a.bind(anon);
        area.prepend_name(a, s, o, false, finish);
        area.prepend_text(a, s, b"anon_inode:", finish);
        a.ja(finish);
        // "]", the inode number, then the prefix.
        a.bind(pipe);
        a.bind(socket);
        area.prepend_text(a, s, b"]", finish);
        let top = a.label();
        let done = a.label();
        a.emit(Insn::mov64_imm(R5, 0));
        a.bind(top);
        a.jmp_imm(BPF_JGE, R5, 20, done);
        area.ld(a, R3, INO);
        a.emit(Insn::mov64_reg(R4, R3));
        a.emit(Insn::alu64_imm(BPF_MOD, R4, 10));
        a.emit(Insn::alu64_imm(BPF_ADD, R4, b'0' as i32));
        a.emit(Insn::alu64_imm(BPF_DIV, R3, 10));
        area.st(a, INO, R3);
        area.prepend_reg(a, s, finish);
        area.ld(a, R3, INO);
        a.jmp_imm(BPF_JEQ, R3, 0, done);
        a.emit(Insn::alu64_imm(BPF_ADD, R5, 1));
        a.ja(top);
        a.bind(done);
        // Which prefix: the magic number is still in T2.
        let not_pipe = a.label();
        area.ld(a, R1, T2);
        a.jmp_imm(BPF_JNE, R1, PIPEFS_MAGIC, not_pipe);
        area.prepend_text(a, s, b"pipe:[", finish);
        a.ja(finish);
        a.bind(not_pipe);
        area.prepend_text(a, s, b"socket:[", finish);
        a.ja(finish);
    }

    /// One step of the walk (bpf_loop callback; its context holds the
    /// work area's address).
    pub(in crate::cg::codegen) fn path_step_cb(&mut self, f: &mut Prog) {
        // Checked by the caller that asked for the callback.
        let Ok(o) = self.path_offsets(0) else { return };
        let s = self.strsize as i32;
        let a = &mut f.asm;
        let area = Area { reg: Some(R6), off: 0 };
        let (stop, next, not_root) = (a.label(), a.label(), a.label());
        a.emit(Insn::ldx(BPF_DW, R6, R2, 0));
        // At the root of this mount: go to its mount point, if any.
        area.ld(a, R3, MOUNT);
        a.emit(Insn::alu64_imm(BPF_ADD, R3, o.mount_mnt + o.vfs_root));
        area.read(a, T, 8);
        area.ld(a, R7, T);
        area.ld(a, R8, DENTRY);
        a.jmp_reg(BPF_JNE, R7, R8, not_root);
        area.read_member(a, T, MOUNT, o.mount_parent);
        area.ld(a, R7, T);
        area.ld(a, R8, MOUNT);
        a.jmp_reg(BPF_JEQ, R7, R8, stop);
        a.jmp_imm(BPF_JEQ, R7, 0, stop);
        area.read_member(a, T, MOUNT, o.mount_mountpoint);
        area.ld(a, R1, T);
        area.st(a, DENTRY, R1);
        area.st(a, MOUNT, R7);
        a.ja(next);
        // Else prepend this dentry's name and go to its parent.
        a.bind(not_root);
        area.read_member(a, T, DENTRY, o.d_parent);
        area.ld(a, R7, T);
        area.ld(a, R8, DENTRY);
        a.jmp_reg(BPF_JEQ, R7, R8, stop);
        a.jmp_imm(BPF_JEQ, R7, 0, stop);
        area.prepend_name(a, s, &o, true, stop);
        area.st(a, DENTRY, R7);
        a.bind(next);
        a.emit(Insn::mov64_imm(R0, 0));
        a.emit(Insn::exit());
        a.bind(stop);
        a.emit(Insn::mov64_imm(R0, 1));
        a.emit(Insn::exit());
    }
}

impl<'a> Codegen<'a> {
    /// `cwd` and `root` (`var`): the path of curthread->fs->pwd or ->root.
    pub(in crate::cg::codegen) fn fs_path(&mut self, f: &mut Prog, line: u32, var: &str) -> R<Reg> {
        let member = if var == "cwd" { "pwd" } else { "root" };
        let (fs, _) = self.kernel_member(line, var, "task_struct", &["fs"])?;
        let (at, _) = self.kernel_member(line, var, "fs_struct", &[member])?;
        let cell = self.tmp(f, 8);
        let r = self.alloc(f, line)?;
        let a = &mut f.asm;
        Self::read_task_member(a, fs, 8, cell);
        Self::tmp_ptr_a(a, r, cell);
        a.emit(Insn::ldx(BPF_DW, r, r, 0));
        a.emit(Insn::alu64_imm(BPF_ADD, r, at));
        self.path_string(f, line, r, false)
    }
}
