//! Raw FFI to libnvio: the C ABI as `nvio.h` declares it. Everything here
//! is `unsafe` to call; the `nvio` crate is the safe API.
//!
//! The fast path's inline functions (`nvio_queue_read`, `nvio_queue_write`,
//! `nvio_queue_compare`, `nvio_queue_reap`) are linked as the exported
//! copies libnvio carries for callers that cannot inline C.
#![allow(non_camel_case_types)]

use std::os::raw::{c_char, c_int, c_uint, c_void};

/// The most placement ids `nvio_dev_info` keeps.
pub const NVIO_FDP_MAX_PIDS: usize = 256;

/// `nvio_dev_opts.flags`
pub const NVIO_DEV_RDONLY: u32 = 1 << 0;
pub const NVIO_DEV_NO_ADMIN: u32 = 1 << 1;
pub const NVIO_DEV_CTRL: u32 = 1 << 2;

/// `nvio_queue_opts.flags`
pub const NVIO_QUEUE_IRQ: u32 = 1 << 0;
pub const NVIO_QUEUE_POLL: u32 = 1 << 1;
pub const NVIO_QUEUE_SQPOLL: u32 = 1 << 2;
pub const NVIO_QUEUE_NO_REG_FILE: u32 = 1 << 3;
pub const NVIO_QUEUE_EVENTFD: u32 = 1 << 4;

/// How a reap waits (nvio_queue_set_wait(3)).
pub const NVIO_WAIT_DEFAULT: c_int = 0;
pub const NVIO_WAIT_KERNEL: c_int = 1;
pub const NVIO_WAIT_SPIN: c_int = 2;

/// `nvio_queue_flags()`
pub const NVIO_QF_POLLED: u32 = 1 << 0;
pub const NVIO_QF_IRQ_FALLBACK: u32 = 1 << 1;
pub const NVIO_QF_SQPOLL: u32 = 1 << 2;
pub const NVIO_QF_REG_FILE: u32 = 1 << 3;
pub const NVIO_QF_REG_BUFS: u32 = 1 << 4;
pub const NVIO_QF_SINGLE_ISSUER: u32 = 1 << 5;
pub const NVIO_QF_EVENTFD: u32 = 1 << 8;

/// I/O opcodes
pub const NVIO_OP_FLUSH: u8 = 0x00;
pub const NVIO_OP_WRITE: u8 = 0x01;
pub const NVIO_OP_READ: u8 = 0x02;
pub const NVIO_OP_COMPARE: u8 = 0x05;

/// `ctl` bits (CDW12 bits 31:16, shifted down)
pub const NVIO_IO_FUA: c_uint = 1 << 14;
pub const NVIO_IO_LR: c_uint = 1 << 15;

#[repr(C)]
pub struct nvio_dev {
    _private: [u8; 0],
}

#[repr(C)]
pub struct nvio_queue {
    _private: [u8; 0],
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct nvio_dev_opts {
    pub sz: usize,
    pub nsid: u32,
    pub flags: u32,
    pub admin_timeout_ms: u32,
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct nvio_queue_opts {
    pub sz: usize,
    pub depth: u32,
    pub flags: u32,
    pub sqpoll_cpu: i32,
    pub sqpoll_idle_ms: u32,
    pub reg_bufs: u32,
    pub reg_buf_size: u32,
    pub timeout_ms: u32,
}

#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct nvio_cpl {
    pub user: *mut c_void,
    pub res: i32,
    pub rsvd: u32,
    pub result: u64,
}

impl Default for nvio_cpl {
    fn default() -> Self {
        nvio_cpl { user: std::ptr::null_mut(), res: 0, rsvd: 0, result: 0 }
    }
}

/// What Identify (and sysfs) say about a namespace and its controller;
/// owned by the device. Fields are only ever appended in C.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct nvio_dev_info {
    pub nsid: u32,
    pub lba_size: u32,
    pub lba_shift: u32,
    pub md_size: u32,
    pub md_extended: bool,
    pub flbas: u8,
    pub pi_type: u8,
    pub vwc: bool,
    pub nsze: u64,
    pub max_xfer: u32,
    pub max_nlb: u32,
    pub oncs: u16,
    pub vid: u16,
    pub mdts: u8,
    pub poll_queues: bool,
    pub admin: bool,
    pub serial: [c_char; 21],
    pub model: [c_char; 41],
    pub firmware: [c_char; 9],
    pub transport: [c_char; 16],
    pub generic_path: [c_char; 64],
    pub block_name: [c_char; 32],
    pub ctrl_path: [c_char; 64],
    pub id_source: u8,
    pub md_unknown: bool,
    pub pi_first: bool,
    pub pi_guard_bits: u8,
    pub pi_size: u8,
    pub pi_sts: u8,
    pub ctrl_only: bool,
    pub copy_max_range: u32,
    pub copy_max_len: u32,
    pub copy_max_ranges: u32,
    pub zoned: bool,
    pub zone_size: u64,
    pub nr_zones: u64,
    pub max_open_zones: u32,
    pub max_active_zones: u32,
    pub zone_append_max: u32,
    pub fdp: bool,
    pub fdp_unknown: bool,
    pub fdp_endgid: u16,
    pub fdp_nr_pids: u16,
    pub fdp_pids: [u16; NVIO_FDP_MAX_PIDS],}

extern "C" {
    pub fn nvio_version() -> *const c_char;
    pub fn nvio_strerror(res: c_int) -> *const c_char;

    pub fn nvio_dev_open(path: *const c_char, opts: *const nvio_dev_opts,
                         devp: *mut *mut nvio_dev) -> c_int;
    pub fn nvio_dev_close(dev: *mut nvio_dev);
    pub fn nvio_dev_info(dev: *const nvio_dev) -> *const nvio_dev_info;
    pub fn nvio_dev_fd(dev: *const nvio_dev) -> c_int;

    pub fn nvio_queue_create(dev: *mut nvio_dev, opts: *const nvio_queue_opts,
                             qp: *mut *mut nvio_queue) -> c_int;
    pub fn nvio_queue_destroy(q: *mut nvio_queue) -> c_int;
    pub fn nvio_queue_flags(q: *const nvio_queue) -> c_uint;
    pub fn nvio_queue_depth(q: *const nvio_queue) -> c_uint;
    pub fn nvio_queue_inflight(q: *const nvio_queue) -> c_uint;
    pub fn nvio_queue_event_fd(q: *const nvio_queue) -> c_int;
    pub fn nvio_queue_set_timeout(q: *mut nvio_queue, ms: u32) -> c_int;
    pub fn nvio_queue_timeout(q: *const nvio_queue) -> u32;
    pub fn nvio_queue_buf(q: *const nvio_queue, i: c_uint) -> *mut c_void;
    pub fn nvio_queue_set_wait(q: *mut nvio_queue, wait: c_int, spin_ns: u64) -> c_int;
    pub fn nvio_queue_wait(q: *const nvio_queue) -> c_int;

    pub fn nvio_queue_read(q: *mut nvio_queue, slba: u64, nlb: u32,
                           buf: *mut c_void, len: usize, ctl: c_uint,
                           user: *mut c_void) -> c_int;
    pub fn nvio_queue_write(q: *mut nvio_queue, slba: u64, nlb: u32,
                            buf: *const c_void, len: usize, ctl: c_uint,
                            user: *mut c_void) -> c_int;
    pub fn nvio_queue_compare(q: *mut nvio_queue, slba: u64, nlb: u32,
                              buf: *const c_void, len: usize, ctl: c_uint,
                              user: *mut c_void) -> c_int;
    pub fn nvio_queue_flush(q: *mut nvio_queue, user: *mut c_void) -> c_int;
    pub fn nvio_queue_submit(q: *mut nvio_queue) -> c_int;
    pub fn nvio_queue_reap(q: *mut nvio_queue, cpl: *mut nvio_cpl, max: c_uint,
                           min: c_uint) -> c_int;
    pub fn nvio_queue_reap_timeout(q: *mut nvio_queue, cpl: *mut nvio_cpl,
                                   max: c_uint, min: c_uint,
                                   timeout_ns: u64) -> c_int;

    pub fn nvio_read(q: *mut nvio_queue, slba: u64, nlb: u64, buf: *mut c_void,
                     len: usize, ctl: c_uint) -> c_int;
    pub fn nvio_write(q: *mut nvio_queue, slba: u64, nlb: u64,
                      buf: *const c_void, len: usize, ctl: c_uint) -> c_int;
    pub fn nvio_flush(q: *mut nvio_queue) -> c_int;

    pub fn nvio_buf_alloc(size: usize) -> *mut c_void;
    pub fn nvio_buf_free(buf: *mut c_void);
}

#[cfg(test)]
mod layout {
    include!(concat!(env!("OUT_DIR"), "/layout.rs"));
    use super::*;
    use std::mem::{size_of, MaybeUninit};
    use std::ptr::addr_of;

    macro_rules! offsets {
        ($($f:ident)*) => {{
            let u = MaybeUninit::<nvio_dev_info>::uninit();
            let base = u.as_ptr() as usize;
            // SAFETY: addr_of! takes a field's address without reading it
            vec![$((stringify!($f), unsafe { addr_of!((*u.as_ptr()).$f) } as usize - base)),*]
        }};
    }

    #[test]
    fn sizes_match_c() {
        let rust = [
            ("nvio_dev_info", size_of::<nvio_dev_info>()),
            ("nvio_dev_opts", size_of::<nvio_dev_opts>()),
            ("nvio_queue_opts", size_of::<nvio_queue_opts>()),
            ("nvio_cpl", size_of::<nvio_cpl>()),
        ];
        for (name, size) in rust {
            let c = C_SIZES.iter().find(|(n, _)| *n == name).unwrap().1;
            assert_eq!(size, c, "sizeof(struct {name}): Rust {size}, C {c}");
        }
    }

    #[test]
    fn info_offsets_match_c() {
        let rust = offsets!(nsid lba_size lba_shift md_size md_extended flbas pi_type vwc nsze max_xfer max_nlb oncs vid mdts poll_queues admin serial model firmware transport generic_path block_name ctrl_path id_source md_unknown pi_first pi_guard_bits pi_size pi_sts ctrl_only copy_max_range copy_max_len copy_max_ranges zoned zone_size nr_zones max_open_zones max_active_zones zone_append_max fdp fdp_unknown fdp_endgid fdp_nr_pids fdp_pids);
        assert_eq!(rust.len(), C_INFO_OFFSETS.len(), "a field missing on one side");
        for ((rn, ro), (cn, co)) in rust.iter().zip(C_INFO_OFFSETS) {
            assert_eq!(rn, cn);
            assert_eq!(ro, co, "offsetof(struct nvio_dev_info, {rn}): Rust {ro}, C {co}");
        }
    }

    #[test]
    fn links_and_names_a_version() {
        // SAFETY: a static string
        let v = unsafe { std::ffi::CStr::from_ptr(nvio_version()) };
        assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    }
}
