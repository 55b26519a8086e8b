//! nvio: raw NVMe commands to a namespace through the kernel's generic
//! character device (`/dev/ngXnY`) and io_uring passthrough, from safe
//! Rust. A safe layer over libnvio (the `nvio-sys` crate).
//!
//! * A [`Device`] is an open namespace; it is `Send` and `Sync` (the C
//!   device is reference-counted atomically and read-only once open).
//! * A [`Queue`] is one io_uring. It is `Send` but not `Sync`: one thread
//!   uses it. On kernels with single-issuer rings (6.0+) the first thread
//!   that submits owns it for good, and another gets
//!   [`Error::WrongThread`], never undefined behaviour.
//! * A [`Buffer`] is page-aligned memory. Queued commands take their
//!   buffer by value and hand it back in their [`Completion`]: a buffer
//!   the device may still write cannot be read, freed, moved or reused.
//!   A [`BufferPool`] hands out buffers of one size and takes each back
//!   when it is dropped, so a loop of commands allocates nothing; a
//!   queue's registered buffers ([`QueueOptions::reg_bufs`],
//!   [`Queue::buffers`]) are such a pool, whose buffers the kernel need
//!   not map for each command.
//! * Results keep the errno ([`Error::Os`]) and the NVMe status
//!   ([`Error::Nvme`]) apart.
//! * [`Wait`] chooses how the device signals completions (polled or
//!   interrupts), [`Reap`] how a reap waits for them (in the kernel, or
//!   spinning in user space for a bounded time): `nvio_queue_set_wait(3)`.
//!
//! ```no_run
//! use nvio::{Buffer, Device, QueueOptions};
//!
//! let dev = Device::open("/dev/ng0n1")?;
//! let lba = dev.info().lba_size as usize;
//! let mut q = dev.queue(&QueueOptions::default())?;
//! let mut buf = Buffer::new(8 * lba)?;
//! q.read(0, 8, &mut buf)?;                  // synchronous
//! q.queue_read(0, 8, buf, 1).map_err(|(e, _)| e)?;  // the buffer goes with it
//! for c in q.reap(1, None)? {
//!     c.result?;
//!     let buf = c.buf;                      // and comes back here
//!     println!("LBA 0 starts {:02x?}", &buf[..4]);
//! }
//! # Ok::<(), nvio::Error>(())
//! ```
#![warn(missing_docs)]

use std::cell::Cell;
use std::ffi::{CStr, CString};
use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::os::raw::{c_int, c_void};
use std::ptr::NonNull;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use nvio_sys as sys;

pub mod driver;
#[cfg(feature = "tokio")]
pub mod tokio;

const EBUSY: i32 = 16;
const EEXIST: i32 = 17;
const EINVAL: i32 = 22;
const ENOMEM: i32 = 12;

/// An NVMe status as the controller completed a command: SC in bits
/// 7:0, SCT in 10:8, CRD in 12:11, More in 13, DNR in 14.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Status(pub u16);

impl Status {
    /// Status code.
    pub fn sc(self) -> u8 {
        self.0 as u8
    }
    /// Status code type.
    pub fn sct(self) -> u8 {
        ((self.0 >> 8) & 7) as u8
    }
    /// Command retry delay.
    pub fn crd(self) -> u8 {
        ((self.0 >> 11) & 3) as u8
    }
    /// More status information is in the Error Information log page.
    pub fn more(self) -> bool {
        self.0 & (1 << 13) != 0
    }
    /// Do not retry.
    pub fn dnr(self) -> bool {
        self.0 & (1 << 14) != 0
    }
}

/// Why a call failed. Nothing was sent where the error says so (every
/// variant but [`Error::Nvme`] and the errnos the kernel gives after
/// sending, as for a command that timed out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// An errno, from the library or the kernel (positive: `ENOENT` is 2).
    Os(i32),
    /// The controller completed the command with this status.
    Nvme(Status),
    /// The queue holds as many commands as its depth: reap some first.
    QueueFull,
    /// Another thread owns this queue (single-issuer ring).
    WrongThread,
    /// A synchronous call on a queue with commands in flight.
    NotIdle {
        /// Commands queued or in flight.
        inflight: usize,
    },
    /// The buffer is shorter than the command's data.
    BufferTooShort {
        /// Bytes the command moves.
        need: usize,
        /// Bytes the buffer holds.
        have: usize,
    },
    /// A path with a NUL byte in it.
    BadPath(String),
}

/// A result whose error is an [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// The library's result: 0 is not an error; < 0 an errno, > 0 a status.
    fn from_res(rc: c_int) -> Error {
        match rc {
            r if r > 0 => Error::Nvme(Status(r as u16)),
            r if -r == EEXIST => Error::WrongThread,
            r => Error::Os(-r),
        }
    }

    /// The errno, for the variants that carry or imply one.
    pub fn errno(&self) -> Option<i32> {
        match self {
            Error::Os(e) => Some(*e),
            Error::QueueFull | Error::NotIdle { .. } => Some(EBUSY),
            Error::WrongThread => Some(EEXIST),
            Error::BufferTooShort { .. } | Error::BadPath(_) => Some(EINVAL),
            Error::Nvme(_) => None,
        }
    }

    /// The NVMe status, when the controller failed the command.
    pub fn status(&self) -> Option<Status> {
        match self {
            Error::Nvme(s) => Some(*s),
            _ => None,
        }
    }
}

fn strerror(res: c_int) -> String {
    // SAFETY: nvio_strerror returns a static, NUL-terminated string
    unsafe { CStr::from_ptr(sys::nvio_strerror(res)) }
        .to_string_lossy()
        .into_owned()
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Os(e) => write!(f, "{} (errno {})", strerror(-e), e),
            Error::Nvme(s) => write!(f, "NVMe status {:#x}: {}", s.0, strerror(s.0 as c_int)),
            Error::QueueFull => write!(f, "the queue is full: reap completions first"),
            Error::WrongThread => write!(f, "another thread owns this queue"),
            Error::NotIdle { inflight } => {
                write!(f, "{} commands in flight: a synchronous call needs an idle queue", inflight)
            }
            Error::BufferTooShort { need, have } => {
                write!(f, "the buffer holds {} bytes, the command moves {}", have, need)
            }
            Error::BadPath(p) => write!(f, "the path {:?} has a NUL byte", p),
        }
    }
}

impl std::error::Error for Error {}

fn check(rc: c_int) -> Result<()> {
    if rc == 0 {
        Ok(())
    } else {
        Err(Error::from_res(rc))
    }
}

/// Page-aligned memory for commands' data, from `nvio_buf_alloc`.
/// Dropped, it is freed, or goes back to the [`BufferPool`] it came from.
pub struct Buffer {
    ptr: NonNull<u8>,
    len: usize,
    /// The pool it goes back to, if it came from one.
    home: Option<Arc<PoolInner>>,
}

// SAFETY: plain memory, owned; nothing else refers to it while a Buffer
// exists (a queued command holds the Buffer itself)
unsafe impl Send for Buffer {}
unsafe impl Sync for Buffer {}

impl Buffer {
    /// `len` bytes (more than 0), zeroed.
    pub fn new(len: usize) -> Result<Buffer> {
        if len == 0 {
            return Err(Error::Os(EINVAL));
        }
        Ok(Buffer { ptr: alloc_zeroed(len)?, len, home: None })
    }
}

/// `len` (> 0) zeroed, page-aligned bytes from libnvio.
fn alloc_zeroed(len: usize) -> Result<NonNull<u8>> {
    // SAFETY: FFI allocation; checked for NULL below
    let p = unsafe { sys::nvio_buf_alloc(len) } as *mut u8;
    let ptr = NonNull::new(p).ok_or(Error::Os(ENOMEM))?;
    // SAFETY: len bytes were just allocated
    unsafe { std::ptr::write_bytes(ptr.as_ptr(), 0, len) };
    Ok(ptr)
}

impl Deref for Buffer {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        // SAFETY: len initialized bytes, owned by self
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

impl DerefMut for Buffer {
    fn deref_mut(&mut self) -> &mut [u8] {
        // SAFETY: as above, and &mut self is unique
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }
}

impl Drop for Buffer {
    fn drop(&mut self) {
        match self.home.take() {
            Some(pool) => pool.put(self.ptr),
            // SAFETY: allocated by nvio_buf_alloc, freed once
            None => unsafe { sys::nvio_buf_free(self.ptr.as_ptr() as *mut c_void) },
        }
    }
}

/// Buffers of one size, reused: [`BufferPool::get`] hands one out and
/// the buffer comes back to the pool when it is dropped, on whatever
/// thread (a command's buffer when its completion or future is dropped).
/// A read loop that takes its buffers from a pool allocates and zeroes
/// nothing once the pool holds as many as it keeps in flight.
///
/// A pooled buffer is an ordinary [`Buffer`]: a queued command owns it
/// until its completion hands it back, and it goes back to the pool only
/// when the caller, or the driver of a command whose future was dropped,
/// drops it. It is zeroed once, when the pool allocates it; after that it
/// holds what its last user left in it.
///
/// The pool is a handle: clones share the buffers, and the memory is
/// freed when the last handle and the last buffer are gone.
///
/// A queue's registered buffers are a pool too ([`Queue::buffers`]):
/// their memory belongs to the C queue, which is then destroyed only when
/// the [`Queue`] and the last of its registered buffers are gone.
///
/// ```no_run
/// use nvio::{BufferPool, Device, QueueOptions};
///
/// let dev = Device::open("/dev/ng0n1")?;
/// let mut q = dev.queue(&QueueOptions::default())?;
/// let pool = BufferPool::new(4096, 32)?;
/// for k in 0..32 {
///     q.queue_read(k, 4096 / dev.info().lba_size, pool.get()?, k)
///         .map_err(|(e, _)| e)?;
/// }
/// let mut n = 0;
/// while n < 32 {
///     n += q.reap_with(1, None, |c| {
///         // c.buf goes back to the pool at the end of this closure
///         let _ = c.result;
///     })?;
/// }
/// assert_eq!(pool.idle(), 32);
/// # Ok::<(), nvio::Error>(())
/// ```
#[derive(Clone)]
pub struct BufferPool {
    inner: Arc<PoolInner>,
}

struct PoolInner {
    len: usize,
    free: Mutex<Vec<NonNull<u8>>>,
    /// A queue's registered buffers: the memory is the C queue's, freed
    /// with it. The [`Queue`] holds a reference too, and lets go of it
    /// only with nothing in flight, so the last one destroys an idle
    /// queue.
    queue: Option<NonNull<sys::nvio_queue>>,
}

// SAFETY: the pointers are idle buffers owned by the pool, handed out
// (and taken back) under the mutex; the queue is only destroyed, once,
// idle (nvio_queue_destroy of an idle queue frees it and makes no ring
// call that another thread may not make)
unsafe impl Send for PoolInner {}
unsafe impl Sync for PoolInner {}

impl PoolInner {
    fn put(&self, p: NonNull<u8>) {
        // nothing panics while holding the lock; a poisoned one is still sound
        self.free.lock().unwrap_or_else(|e| e.into_inner()).push(p);
    }
}

impl Drop for PoolInner {
    fn drop(&mut self) {
        if let Some(q) = self.queue {
            // SAFETY: the last reference to a queue with nothing in
            // flight; its registered memory goes with it, and no buffer
            // of it is left
            unsafe { sys::nvio_queue_destroy(q.as_ptr()) };
            return;
        }
        let free = self.free.get_mut().unwrap_or_else(|e| e.into_inner());
        for p in free.drain(..) {
            // SAFETY: idle buffers from nvio_buf_alloc, freed once
            unsafe { sys::nvio_buf_free(p.as_ptr() as *mut c_void) }
        }
    }
}

impl BufferPool {
    /// A pool of buffers of `len` bytes (more than 0), `count` of them
    /// allocated (and zeroed) now.
    pub fn new(len: usize, count: usize) -> Result<BufferPool> {
        if len == 0 {
            return Err(Error::Os(EINVAL));
        }
        let pool = BufferPool {
            inner: Arc::new(PoolInner { len, free: Mutex::new(Vec::with_capacity(count)), queue: None }),
        };
        for _ in 0..count {
            pool.inner.put(alloc_zeroed(len)?);
        }
        Ok(pool)
    }

    /// An idle buffer, or a new (zeroed) one when none is idle: the pool
    /// grows to as many as are out at once. A queue's registered buffers
    /// are as many as it was made with: past them, a new buffer of the
    /// same size is not registered, and is freed when dropped.
    pub fn get(&self) -> Result<Buffer> {
        let p = self.inner.free.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let ptr = match p {
            Some(p) => p,
            None if self.inner.queue.is_some() => return Buffer::new(self.inner.len),
            None => alloc_zeroed(self.inner.len)?,
        };
        Ok(Buffer { ptr, len: self.inner.len, home: Some(self.inner.clone()) })
    }

    /// An idle buffer, or `None` when every one is out.
    pub fn try_get(&self) -> Option<Buffer> {
        let p = self.inner.free.lock().unwrap_or_else(|e| e.into_inner()).pop()?;
        Some(Buffer { ptr: p, len: self.inner.len, home: Some(self.inner.clone()) })
    }

    /// The size of its buffers, in bytes.
    pub fn buf_len(&self) -> usize {
        self.inner.len
    }

    /// Buffers in the pool now, not handed out.
    pub fn idle(&self) -> usize {
        self.inner.free.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// A queue's registered buffers ([`Queue::buffers`]).
    pub fn registered(&self) -> bool {
        self.inner.queue.is_some()
    }
}

impl fmt::Debug for BufferPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reg = if self.registered() { ", registered" } else { "" };
        write!(f, "BufferPool({} bytes each, {} idle{})", self.inner.len, self.idle(), reg)
    }
}

impl fmt::Debug for Buffer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Buffer({} bytes at {:p})", self.len, self.ptr)
    }
}

/// What Identify and sysfs say about the namespace (a copy).
#[derive(Debug, Clone)]
pub struct Info {
    /// Namespace ID.
    pub nsid: u32,
    /// Data bytes per LBA.
    pub lba_size: u32,
    /// Capacity in LBAs.
    pub nsze: u64,
    /// Metadata bytes per LBA, and whether they are interleaved.
    pub md_size: u32,
    /// Metadata interleaved with the data (extended LBAs), not in a
    /// separate buffer.
    pub md_extended: bool,
    /// End-to-end protection type, 0 (none) to 3.
    pub pi_type: u8,
    /// The largest transfer of one command, in bytes.
    pub max_transfer: u32,
    /// The largest transfer of one command, in LBAs.
    pub max_nlb: u32,
    /// The driver has poll queues: polled queues can poll.
    pub poll_queues: bool,
    /// A zoned namespace (ZNS).
    pub zoned: bool,
    /// How the controller is reached: "pcie", "tcp", "rdma", "fc" or "loop".
    pub transport: String,
    /// The namespace's generic character device, `/dev/ngXnY`.
    pub generic_path: String,
    /// The controller's serial number.
    pub serial: String,
    /// The controller's model number.
    pub model: String,
    /// The controller's firmware revision.
    pub firmware: String,
}

fn c_str(b: &[std::os::raw::c_char]) -> String {
    let bytes: Vec<u8> = b.iter().take_while(|&&c| c != 0).map(|&c| c as u8).collect();
    String::from_utf8_lossy(&bytes).trim_end().to_string()
}

/// An open namespace.
pub struct Device {
    raw: NonNull<sys::nvio_dev>,
}

// SAFETY: libnvio's device is reference-counted atomically, its info is
// read-only after open, and its admin calls are thread-safe
unsafe impl Send for Device {}
unsafe impl Sync for Device {}

impl Device {
    /// Opens `/dev/ngXnY` or `/dev/nvmeXnY`.
    pub fn open(path: &str) -> Result<Device> {
        Device::open_with(path, 0)
    }

    /// As [`Device::open`], with `nvio_dev_opts.flags` (`sys::NVIO_DEV_*`).
    pub fn open_with(path: &str, flags: u32) -> Result<Device> {
        let p = CString::new(path).map_err(|_| Error::BadPath(path.to_string()))?;
        let opts = sys::nvio_dev_opts {
            sz: std::mem::size_of::<sys::nvio_dev_opts>(),
            flags,
            ..Default::default()
        };
        let mut raw = std::ptr::null_mut();
        // SAFETY: valid C string and options; raw is written on success
        check(unsafe { sys::nvio_dev_open(p.as_ptr(), &opts, &mut raw) })?;
        Ok(Device { raw: NonNull::new(raw).ok_or(Error::Os(ENOMEM))? })
    }

    fn raw_info(&self) -> &sys::nvio_dev_info {
        // SAFETY: owned by the device, valid while it is open
        unsafe { &*sys::nvio_dev_info(self.raw.as_ptr()) }
    }

    /// What the namespace is: a copy of what libnvio read at open.
    pub fn info(&self) -> Info {
        let i = self.raw_info();
        Info {
            nsid: i.nsid,
            lba_size: i.lba_size,
            nsze: i.nsze,
            md_size: i.md_size,
            md_extended: i.md_extended,
            pi_type: i.pi_type,
            max_transfer: i.max_xfer,
            max_nlb: i.max_nlb,
            poll_queues: i.poll_queues,
            zoned: i.zoned,
            transport: c_str(&i.transport),
            generic_path: c_str(&i.generic_path),
            serial: c_str(&i.serial),
            model: c_str(&i.model),
            firmware: c_str(&i.firmware),
        }
    }

    /// A new queue on this namespace.
    pub fn queue(&self, o: &QueueOptions) -> Result<Queue> {
        let opts = sys::nvio_queue_opts {
            sz: std::mem::size_of::<sys::nvio_queue_opts>(),
            depth: o.depth,
            flags: match o.wait {
                Wait::Default => 0,
                Wait::Poll => sys::NVIO_QUEUE_POLL,
                Wait::Interrupts => sys::NVIO_QUEUE_IRQ,
            } | if o.eventfd { sys::NVIO_QUEUE_EVENTFD } else { 0 },
            sqpoll_cpu: -1,
            timeout_ms: o.timeout_ms,
            reg_bufs: o.reg_bufs,
            reg_buf_size: o.reg_buf_size,
            ..Default::default()
        };
        let mut raw = std::ptr::null_mut();
        // SAFETY: an open device and valid options; raw written on success
        check(unsafe { sys::nvio_queue_create(self.raw.as_ptr(), &opts, &mut raw) })?;
        let raw = NonNull::new(raw).ok_or(Error::Os(ENOMEM))?;
        if o.reap != Reap::Default || o.spin_bound != Duration::ZERO {
            if let Err(e) = set_reap(raw.as_ptr(), o.reap, o.spin_bound) {
                // SAFETY: the new queue, idle, not yet anyone's
                unsafe { sys::nvio_queue_destroy(raw.as_ptr()) };
                return Err(e);
            }
        }
        // SAFETY: a live queue
        let depth = unsafe { sys::nvio_queue_depth(raw.as_ptr()) } as usize;
        let reg = if o.reg_bufs > 0 {
            // SAFETY: a live queue, made with reg_bufs buffers
            let bufs = (0..o.reg_bufs).filter_map(|k| NonNull::new(unsafe { sys::nvio_queue_buf(raw.as_ptr(), k) } as *mut u8));
            Some(Arc::new(PoolInner {
                len: o.reg_buf_size as usize,
                free: Mutex::new(bufs.rev().collect()),
                queue: Some(raw),
            }))
        } else {
            None
        };
        let i = self.raw_info();
        Ok(Queue {
            raw,
            reg,
            lba: i.lba_size as usize
                + if i.md_extended { i.md_size as usize } else { 0 },
            slots: (0..depth).map(|_| None).collect(),
            free: (0..depth).rev().collect(),
            cpl: vec![sys::nvio_cpl::default(); depth],
            _not_sync: PhantomData,
        })
    }
}

impl Drop for Device {
    fn drop(&mut self) {
        // SAFETY: the caller's handle, released once; queues keep their own
        unsafe { sys::nvio_dev_close(self.raw.as_ptr()) }
    }
}

/// How a queue learns of completions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// Polled where the kernel polls safely, else interrupts.
    Default,
    /// Polled, or an error.
    Poll,
    /// Interrupts.
    Interrupts,
}

/// How a reap that has fewer completions than it needs waits for them
/// (`nvio_queue_set_wait(3)`). Whatever the choice, a reap returns with
/// what it asked for, at its deadline, or on a signal, as before: only
/// where the waiting happens, and what it costs, change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reap {
    /// The library's choice for this kernel and queue, by measurement:
    /// a spin on polled queues from Linux 7.2 (where the kernel's own
    /// polling wait was measured slower), the kernel's wait elsewhere.
    Default,
    /// In `io_uring_enter`: an interrupt queue sleeps until woken, a
    /// polled queue polls in the kernel's loop.
    Kernel,
    /// In user space, a nonblocking `io_uring_enter` a pass, for at most
    /// [`QueueOptions::spin_bound`]; then in the kernel. Keeps the CPU
    /// busy, interrupt queues included.
    Spin,
}

/// How [`Device::queue`] makes a queue; `..Default::default()` for the
/// rest.
#[derive(Debug, Clone)]
pub struct QueueOptions {
    /// Commands in flight at most, 1..=4096 (0: 32).
    pub depth: u32,
    /// Polled or interrupts.
    pub wait: Wait,
    /// An eventfd that becomes readable when completions wait
    /// (interrupt queues), for reactors.
    pub eventfd: bool,
    /// Every command's timeout in ms (0: the kernel's).
    pub timeout_ms: u32,
    /// Buffers registered with the queue (0..=depth), which commands use
    /// as fixed buffers: the kernel does not map their pages for each
    /// command. [`Queue::buffers`] hands them out.
    pub reg_bufs: u32,
    /// Bytes each registered buffer holds (more than 0 with `reg_bufs`).
    pub reg_buf_size: u32,
    /// How reaps wait for completions ([`Queue::set_reap`]).
    pub reap: Reap,
    /// How long a [`Reap::Spin`] spins before it waits in the kernel:
    /// at most 1 s ([`Duration::ZERO`]: the library's 1 ms).
    pub spin_bound: Duration,
}

impl Default for QueueOptions {
    fn default() -> Self {
        QueueOptions {
            depth: 32,
            wait: Wait::Default,
            eventfd: false,
            timeout_ms: 0,
            reg_bufs: 0,
            reg_buf_size: 0,
            reap: Reap::Default,
            spin_bound: Duration::ZERO,
        }
    }
}

/// `nvio_queue_set_wait` on a live queue, a bound past 1 s refused there.
fn set_reap(q: *mut sys::nvio_queue, reap: Reap, bound: Duration) -> Result<()> {
    let wait = match reap {
        Reap::Default => sys::NVIO_WAIT_DEFAULT,
        Reap::Kernel => sys::NVIO_WAIT_KERNEL,
        Reap::Spin => sys::NVIO_WAIT_SPIN,
    };
    // too long for u64 is past 1 s as well: the library refuses u64::MAX
    let ns = u64::try_from(bound.as_nanos()).unwrap_or(u64::MAX);
    // SAFETY: a live queue
    check(unsafe { sys::nvio_queue_set_wait(q, wait, ns) })
}

/// A command that came back: its ticket, its result (completion dwords
/// 0-1 on success) and its buffer, the caller's again.
#[derive(Debug)]
pub struct Completion {
    /// The ticket the command was queued with.
    pub ticket: u64,
    /// Completion dwords 0-1, or why the command failed.
    pub result: Result<u64>,
    /// The command's buffer, the caller's again.
    pub buf: Buffer,
}

/// One io_uring on a namespace. See the crate's documentation for its
/// thread rules.
pub struct Queue {
    raw: NonNull<sys::nvio_queue>,
    /// Its registered buffers, whose pool destroys the C queue once
    /// this and they are gone.
    reg: Option<Arc<PoolInner>>,
    lba: usize,
    /// The buffers of commands in flight, by slot, with their tickets:
    /// held here until their completion is reaped.
    slots: Vec<Option<(u64, Buffer)>>,
    free: Vec<usize>,
    cpl: Vec<sys::nvio_cpl>,
    _not_sync: PhantomData<Cell<()>>,
}

// SAFETY: moving a queue between threads hands it over whole; on
// single-issuer rings a thread other than the owner gets -EEXIST from the
// kernel (Error::WrongThread). Not Sync: one thread at a time.
unsafe impl Send for Queue {}

impl Queue {
    /// `sys::NVIO_QF_*` bits: what the queue turned out to be.
    pub fn flags(&self) -> u32 {
        // SAFETY: a live queue
        unsafe { sys::nvio_queue_flags(self.raw.as_ptr()) }
    }

    /// Completions are polled (IOPOLL), not signalled by interrupts.
    pub fn polled(&self) -> bool {
        self.flags() & sys::NVIO_QF_POLLED != 0
    }

    /// How this queue's reaps wait: [`Reap::Kernel`] or [`Reap::Spin`],
    /// never [`Reap::Default`] (which resolves to one of them).
    pub fn reap_strategy(&self) -> Reap {
        // SAFETY: a live queue
        match unsafe { sys::nvio_queue_wait(self.raw.as_ptr()) } {
            sys::NVIO_WAIT_SPIN => Reap::Spin,
            _ => Reap::Kernel,
        }
    }

    /// Chooses how reaps wait, with a spin's bound (at most 1 s;
    /// [`Duration::ZERO`]: 1 ms); it applies from the next reap, with
    /// commands in flight or not. A bound past 1 s is
    /// `Error::Os(EINVAL)`, and the queue keeps its strategy.
    pub fn set_reap(&mut self, reap: Reap, spin_bound: Duration) -> Result<()> {
        set_reap(self.raw.as_ptr(), reap, spin_bound)
    }

    /// Commands in flight at most.
    pub fn depth(&self) -> usize {
        self.slots.len()
    }

    /// Commands queued or in flight, not yet reaped.
    pub fn inflight(&self) -> usize {
        self.slots.len() - self.free.len()
    }

    /// The queue's registered buffers ([`QueueOptions::reg_bufs`]) as a
    /// pool, or `None` if it was made without. A buffer from it is an
    /// ordinary [`Buffer`] that any queue can use; on this queue, commands
    /// whose data lies in it use it as a fixed buffer (if the kernel took
    /// the registration: `flags()` has `sys::NVIO_QF_REG_BUFS`). Its
    /// memory belongs to the queue, which stays (idle) until the last
    /// such buffer is dropped.
    pub fn buffers(&self) -> Option<BufferPool> {
        self.reg.as_ref().map(|r| BufferPool { inner: r.clone() })
    }

    /// The eventfd of a queue made with `eventfd` (interrupts).
    pub fn event_fd(&self) -> Result<std::os::raw::c_int> {
        // SAFETY: a live queue
        let fd = unsafe { sys::nvio_queue_event_fd(self.raw.as_ptr()) };
        if fd < 0 {
            Err(Error::from_res(fd))
        } else {
            Ok(fd)
        }
    }

    fn bytes(&self, nlb: u32, have: usize) -> Result<usize> {
        let need = nlb as usize * self.lba;
        if have < need {
            return Err(Error::BufferTooShort { need, have });
        }
        Ok(need)
    }

    fn idle(&self) -> Result<()> {
        match self.inflight() {
            0 => Ok(()),
            n => Err(Error::NotIdle { inflight: n }),
        }
    }

    /// Reads `nlb` LBAs from `slba` into the front of `buf`, and waits.
    pub fn read(&mut self, slba: u64, nlb: u32, buf: &mut Buffer) -> Result<()> {
        let len = self.bytes(nlb, buf.len())?;
        self.idle()?;
        // SAFETY: len bytes of buf, borrowed mutably for the whole call,
        // which waits for every command it sent
        check(unsafe {
            sys::nvio_read(self.raw.as_ptr(), slba, nlb as u64, buf.ptr.as_ptr() as *mut c_void, len, 0)
        })
    }

    /// Writes `nlb` LBAs at `slba` from the front of `buf`, and waits.
    pub fn write(&mut self, slba: u64, nlb: u32, buf: &Buffer) -> Result<()> {
        let len = self.bytes(nlb, buf.len())?;
        self.idle()?;
        // SAFETY: as read; the device only reads buf
        check(unsafe {
            sys::nvio_write(self.raw.as_ptr(), slba, nlb as u64, buf.ptr.as_ptr() as *const c_void, len, 0)
        })
    }

    /// Flush, and wait.
    pub fn flush(&mut self) -> Result<()> {
        self.idle()?;
        // SAFETY: a live, idle queue
        check(unsafe { sys::nvio_flush(self.raw.as_ptr()) })
    }

    fn queue_rw(&mut self, write: bool, slba: u64, nlb: u32, buf: Buffer, ticket: u64)
        -> std::result::Result<(), (Error, Buffer)> {
        let len = match self.bytes(nlb, buf.len()) {
            Ok(l) => l,
            Err(e) => return Err((e, buf)),
        };
        let slot = match self.free.last() {
            Some(&s) => s,
            None => return Err((Error::QueueFull, buf)),
        };
        let user = (slot + 1) as *mut c_void;
        let p = buf.ptr.as_ptr() as *mut c_void;
        // SAFETY: the buffer moves into the queue's slot below and stays
        // there, unmoved and unaliased, until its completion is reaped
        let rc = unsafe {
            if write {
                sys::nvio_queue_write(self.raw.as_ptr(), slba, nlb, p, len, 0, user)
            } else {
                sys::nvio_queue_read(self.raw.as_ptr(), slba, nlb, p, len, 0, user)
            }
        };
        if rc != 0 {
            let e = if -rc == EBUSY { Error::QueueFull } else { Error::from_res(rc) };
            return Err((e, buf));
        }
        self.free.pop();
        self.slots[slot] = Some((ticket, buf));
        Ok(())
    }

    /// Queues a read of `nlb` LBAs into `buf`, which the queue keeps until
    /// the command's [`Completion`] returns it. On error nothing is
    /// queued and the buffer comes back with it.
    pub fn queue_read(&mut self, slba: u64, nlb: u32, buf: Buffer, ticket: u64)
        -> std::result::Result<(), (Error, Buffer)> {
        self.queue_rw(false, slba, nlb, buf, ticket)
    }

    /// Queues a write of `nlb` LBAs from `buf`; as [`Queue::queue_read`].
    pub fn queue_write(&mut self, slba: u64, nlb: u32, buf: Buffer, ticket: u64)
        -> std::result::Result<(), (Error, Buffer)> {
        self.queue_rw(true, slba, nlb, buf, ticket)
    }

    /// Hands queued commands to the kernel; how many.
    pub fn submit(&mut self) -> Result<usize> {
        // SAFETY: a live queue
        let rc = unsafe { sys::nvio_queue_submit(self.raw.as_ptr()) };
        if rc < 0 {
            Err(Error::from_res(rc))
        } else {
            Ok(rc as usize)
        }
    }

    /// Submits what is queued and collects completions, waiting for at
    /// least `min` of them (at most what is in flight), for at most
    /// `timeout` if given (else the commands' own timeout bounds it).
    pub fn reap(&mut self, min: usize, timeout: Option<Duration>) -> Result<Vec<Completion>> {
        let mut out = Vec::new();
        self.reap_with(min, timeout, |c| out.push(c))?;
        Ok(out)
    }

    /// As [`Queue::reap`], handing each completion to `f` rather than
    /// collecting them in a new `Vec`: how many. For loops that reap
    /// often and allocate nothing. Fewer than `min`, or none, when the
    /// timeout passes or a signal (or the queue's spin bound,
    /// `nvio_queue_set_wait`) ends the wait.
    pub fn reap_with<F: FnMut(Completion)>(&mut self, min: usize, timeout: Option<Duration>, mut f: F)
        -> Result<usize> {
        let max = self.cpl.len();
        let min = min.min(self.inflight());
        if max == 0 || self.inflight() == 0 {
            return Ok(0);
        }
        // SAFETY: cpl holds max entries; the queue is live
        let n = unsafe {
            match timeout {
                Some(t) => sys::nvio_queue_reap_timeout(
                    self.raw.as_ptr(),
                    self.cpl.as_mut_ptr(),
                    max as u32,
                    min as u32,
                    t.as_nanos().min(u64::MAX as u128) as u64,
                ),
                None => sys::nvio_queue_reap(self.raw.as_ptr(), self.cpl.as_mut_ptr(), max as u32, min as u32),
            }
        };
        const ETIME: i32 = 62;
        const EINTR: i32 = 4;
        if n == -ETIME || n == -EINTR {
            return Ok(0);
        }
        if n < 0 {
            return Err(Error::from_res(n));
        }
        let mut got = 0;
        for c in &self.cpl[..n as usize] {
            let slot = (c.user as usize).wrapping_sub(1);
            // Every command this queue sends carries its slot: anything
            // else would be a library bug, not the caller's; skip it.
            let (ticket, buf) = match self.slots.get_mut(slot).and_then(Option::take) {
                Some(x) => x,
                None => continue,
            };
            self.free.push(slot);
            let result = if c.res == 0 { Ok(c.result) } else { Err(Error::from_res(c.res)) };
            got += 1;
            f(Completion { ticket, result, buf });
        }
        Ok(got)
    }
}

impl Queue {
    /// Reaps (and drops) every command in flight, within the bound
    /// nvio_queue_destroy gives itself: twice the command timeout plus
    /// 30 s. False if they are not all back.
    fn drain(&mut self) -> bool {
        // SAFETY: a live queue
        let mut ms = u64::from(unsafe { sys::nvio_queue_timeout(self.raw.as_ptr()) });
        if ms == 0 {
            // the kernel's default, which the administrator may raise
            ms = std::fs::read_to_string("/sys/module/nvme_core/parameters/io_timeout")
                .ok()
                .and_then(|s| s.trim().parse::<u64>().ok())
                .filter(|&s| s > 0 && s < 86400)
                .map_or(30_000, |s| s * 1000);
        }
        let deadline = std::time::Instant::now() + Duration::from_millis(2 * ms + 30_000);
        while self.inflight() > 0 {
            let now = std::time::Instant::now();
            if now >= deadline {
                return false;
            }
            let n = self.inflight();
            if self.reap_with(n, Some(deadline - now), drop).is_err() {
                return false;
            }
        }
        true
    }
}

impl Drop for Queue {
    fn drop(&mut self) {
        let reg = match self.reg.take() {
            Some(r) => r,
            None => {
                // SAFETY: destroy waits for the commands in flight (within
                // a bound); if it cannot, the kernel may still write their
                // buffers, so they are leaked rather than freed
                let rc = unsafe { sys::nvio_queue_destroy(self.raw.as_ptr()) };
                if rc != 0 {
                    for s in self.slots.drain(..).flatten() {
                        std::mem::forget(s.1);
                    }
                }
                return;
            }
        };
        // Registered buffers live in the C queue's memory, and may outlive
        // this Queue: the commands in flight are reaped here, on the
        // queue's thread, and the pool's last reference destroys the idle
        // queue. If they cannot be, the kernel may still write their
        // buffers: the buffers, and the queue with its memory, are leaked.
        if self.drain() {
            self.slots.clear();
            drop(reg);
        } else {
            for s in self.slots.drain(..).flatten() {
                std::mem::forget(s.1);
            }
            std::mem::forget(reg);
        }
    }
}

/// libnvio's version, as "0.8.0": the crates carry the same one.
pub fn version() -> &'static str {
    // SAFETY: a static string
    unsafe { CStr::from_ptr(sys::nvio_version()) }.to_str().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_fields() {
        let s = Status(0x4281);
        assert_eq!((s.sc(), s.sct(), s.crd(), s.more(), s.dnr()), (0x81, 2, 0, false, true));
        let e = Error::from_res(0x4281);
        assert_eq!(e.status(), Some(s));
        assert_eq!(e.errno(), None);
        assert!(e.to_string().contains("0x4281"), "{e}");
        assert!(e.to_string().contains("Unrecovered Read Error"), "{e}");
    }

    #[test]
    fn errnos_apart_from_statuses() {
        assert_eq!(Error::from_res(-2), Error::Os(2));
        assert_eq!(Error::from_res(-2).status(), None);
        assert_eq!(Error::from_res(-17), Error::WrongThread);
        assert!(Error::Os(2).to_string().contains("No such file"), "{}", Error::Os(2));
    }

    #[test]
    fn buffers_are_page_aligned_and_zeroed() {
        let b = Buffer::new(10000).unwrap();
        assert_eq!(b.as_ptr() as usize % 4096, 0);
        assert_eq!(b.len(), 10000);
        assert!(b.iter().all(|&x| x == 0));
        assert_eq!(Buffer::new(0).unwrap_err(), Error::Os(EINVAL));
    }

    #[test]
    fn a_pool_hands_out_page_aligned_zeroed_buffers() {
        let pool = BufferPool::new(4096, 4).unwrap();
        assert_eq!((pool.buf_len(), pool.idle()), (4096, 4));
        let bufs: Vec<Buffer> = (0..4).map(|_| pool.get().unwrap()).collect();
        assert_eq!(pool.idle(), 0);
        for b in &bufs {
            assert_eq!(b.as_ptr() as usize % 4096, 0);
            assert_eq!(b.len(), 4096);
            assert!(b.iter().all(|&x| x == 0));
        }
        assert!(pool.try_get().is_none(), "every buffer is out");
        assert_eq!(BufferPool::new(0, 1).unwrap_err(), Error::Os(EINVAL));
    }

    #[test]
    fn a_dropped_buffer_goes_back_to_its_pool_and_is_reused() {
        let pool = BufferPool::new(8192, 1).unwrap();
        let mut b = pool.get().unwrap();
        let p = b.as_ptr();
        b[0] = 0xa5;
        drop(b);
        assert_eq!(pool.idle(), 1);
        // the same memory, as its last user left it: not allocated or
        // zeroed again
        let b = pool.try_get().unwrap();
        assert_eq!((b.as_ptr(), b[0]), (p, 0xa5));
        // none idle: get allocates, and the pool keeps both after
        let c = pool.get().unwrap();
        assert_ne!(c.as_ptr(), p);
        drop((b, c));
        assert_eq!(pool.idle(), 2);
    }

    #[test]
    fn pooled_buffers_cross_threads_and_outlive_the_pool_handle() {
        let pool = BufferPool::new(4096, 0).unwrap();
        let b = pool.get().unwrap();
        let clone = pool.clone();
        std::thread::spawn(move || drop(b)).join().unwrap();
        assert_eq!(clone.idle(), 1);
        let b = pool.get().unwrap();
        drop((pool, clone));
        // the memory stays until its last buffer is dropped
        assert!(b.iter().all(|&x| x == 0));
        drop(b);
    }

    #[test]
    fn bad_paths_are_typed_errors() {
        assert_eq!(Device::open("/dev/nvio-no-such-device").err(), Some(Error::Os(2)));
        assert!(matches!(Device::open("/dev/ng0\0n1"), Err(Error::BadPath(_))));
        // a regular file is not a namespace
        assert!(matches!(Device::open("/etc/hostname"), Err(Error::Os(_))));
    }

    #[test]
    fn versions_agree() {
        assert_eq!(version(), env!("CARGO_PKG_VERSION"));
    }

    fn send<T: Send>() {}
    fn sync<T: Sync>() {}

    #[test]
    fn thread_rules() {
        send::<Device>();
        sync::<Device>();
        send::<Queue>();
        send::<Buffer>();
        sync::<Buffer>();
        send::<BufferPool>();
        sync::<BufferPool>();
        send::<Completion>();
    }
}

/// A queue is not `Sync`: it cannot be shared between threads.
///
/// ```compile_fail
/// fn sync<T: Sync>() {}
/// sync::<nvio::Queue>();
/// ```
///
/// A buffer given to a queued command cannot be used until it comes back.
///
/// ```compile_fail
/// # fn f(q: &mut nvio::Queue) {
/// let buf = nvio::Buffer::new(4096).unwrap();
/// let _ = q.queue_read(0, 8, buf, 1);
/// let _ = buf[0];
/// # }
/// ```
///
/// Nor can a buffer from a pool.
///
/// ```compile_fail
/// # fn f(q: &mut nvio::Queue, pool: &nvio::BufferPool) {
/// let buf = pool.get().unwrap();
/// let _ = q.queue_read(0, 8, buf, 1);
/// drop(buf);
/// # }
/// ```
///
/// A command's data is a whole [`Buffer`] (page-aligned by construction):
/// ordinary memory, which may be misaligned, cannot reach a command, and
/// neither can a slice into a buffer at an offset.
///
/// ```compile_fail
/// # fn f(q: &mut nvio::Queue) {
/// let v = vec![0u8; 4096 + 1];
/// let _ = q.queue_read(0, 8, &v[1..], 1);
/// # }
/// ```
///
/// ```compile_fail
/// # fn f(q: &mut nvio::Queue) {
/// let mut buf = nvio::Buffer::new(8192).unwrap();
/// let _ = q.read(0, 8, &mut buf[1..]);
/// # }
/// ```
pub mod compile_checks {}
