//! The Rust side of bench/rust-tokio.sh: 4 KiB random reads, closed loop,
//! QD commands in flight, for SECONDS, one way of reaching the device:
//!
//!   tpc       nvio, polled queue, thread-per-core driver (nvio::driver),
//!             over the queue's registered buffers
//!   tpc-heap  the same over a pool of heap buffers (not in the script's
//!             rotation: the registered buffers' share, by hand)
//!   tokio     nvio on Tokio: interrupt queue, futures woken through the
//!             queue's eventfd (nvio::tokio)
//!   tokio-fs  the Tokio model of file I/O: each read a blocking pread of
//!             the block device (O_DIRECT) on Tokio's blocking thread pool
//!             (spawn_blocking, what tokio::fs does)
//!
//! bench MODE NGDEV BLKDEV QD SECONDS: one line of JSON: IOPS, latency
//! percentiles, and the process's CPU time per read (getrusage
//! RUSAGE_SELF: every thread, the blocking pool's included).
//!
//! Every way reads into QD buffers from an nvio::BufferPool, the nvio
//! ways into the queue's registered buffers (as `nvio lat` does; the
//! kernel does not map them for each read), and keeps its QD futures
//! unboxed in a Vec: after the first QD reads the loop allocates nothing. The clock is read once
//! a pass over the QD futures, as `nvio lat` reads it once a reaped batch.
use nvio::driver::Driver;
use nvio::tokio::AsyncQueue;
use nvio::{Buffer, BufferPool, Device, QueueOptions, Wait};
use std::future::Future;
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::pin::Pin;
use std::process::ExitCode;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

/// What a way's read future resolves to, as the loop counts it (a
/// buffer in it goes back to the pool when dropped here).
trait Outcome {
    fn ok(self) -> Result<(), String>;
}

impl Outcome for (nvio::Result<u64>, Buffer) {
    fn ok(self) -> Result<(), String> {
        self.0.map(|_| ()).map_err(|e| format!("a read: {}", e))
    }
}

impl Outcome for Result<std::io::Result<()>, tokio::task::JoinError> {
    fn ok(self) -> Result<(), String> {
        self.map_err(|e| e.to_string())?.map_err(|e| format!("a pread: {}", e))
    }
}

/// QD futures kept in flight until the deadline; each one's latency.
struct Closed<F, Mk: FnMut(u64) -> F> {
    mk: Mk,
    slots: Vec<Option<(F, Instant)>>,
    lat: Vec<u32>,
    until: Instant,
    rng: u64,
    span: u64,
    err: Option<String>,
}

impl<F: Unpin, Mk: FnMut(u64) -> F> Unpin for Closed<F, Mk> {}

impl<F: Future + Unpin, Mk: FnMut(u64) -> F> Future for Closed<F, Mk>
where
    F::Output: Outcome,
{
    type Output = Result<Vec<u32>, String>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        // One clock reading a pass, as nvio lat takes one a reaped batch:
        // it closes the commands that finished and opens those issued in
        // their place (a reading can be a system call in a guest)
        let now = Instant::now();
        let mut busy = false;
        for k in 0..this.slots.len() {
            loop {
                if this.slots[k].is_none() {
                    if this.err.is_some() || now >= this.until {
                        break;
                    }
                    this.rng ^= this.rng << 13;
                    this.rng ^= this.rng >> 7;
                    this.rng ^= this.rng << 17;
                    let f = (this.mk)(this.rng % this.span);
                    this.slots[k] = Some((f, now));
                }
                let (f, t0) = this.slots[k].as_mut().expect("filled above");
                match Pin::new(f).poll(cx) {
                    Poll::Ready(r) => {
                        let ns = now.duration_since(*t0).as_nanos().min(u32::MAX as u128) as u32;
                        this.slots[k] = None;
                        match r.ok() {
                            Ok(()) => this.lat.push(ns),
                            Err(e) => this.err = Some(e),
                        }
                        // refilled at once: the slot's next read
                    }
                    Poll::Pending => {
                        busy = true;
                        break;
                    }
                }
            }
        }
        if busy {
            return Poll::Pending;
        }
        Poll::Ready(match this.err.take() {
            Some(e) => Err(e),
            None => Ok(std::mem::take(&mut this.lat)),
        })
    }
}

fn closed<F, Mk: FnMut(u64) -> F>(mk: Mk, qd: usize, until: Instant, span: u64) -> Closed<F, Mk> {
    Closed {
        mk,
        slots: (0..qd).map(|_| None).collect(),
        // a few million reads at most: no growing while measuring
        lat: Vec::with_capacity(1 << 22),
        until,
        rng: 0x9e37_79b9_7f4a_7c15,
        span,
        err: None,
    }
}

fn cpu_ns() -> (u64, u64) {
    // SAFETY: getrusage fills the struct
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) };
    let ns = |t: libc::timeval| t.tv_sec as u64 * 1_000_000_000 + t.tv_usec as u64 * 1000;
    (ns(ru.ru_utime), ns(ru.ru_stime))
}

/// The thread-per-core way: the driver on `q`, its reads into `pool`'s
/// buffers; the latencies.
fn tpc(q: nvio::Queue, pool: BufferPool, nlb: u32, qd: usize, until: Instant, span: u64)
    -> Result<Vec<u32>, String> {
    let d = std::rc::Rc::new(Driver::new(q));
    let d2 = d.clone();
    let mk = move |blk_no: u64| d2.read(blk_no * nlb as u64, nlb, pool.get().unwrap());
    d.block_on(closed(mk, qd, until, span)).map_err(|e| format!("reaping: {}", e))?
}

fn run(mode: &str, ng: &str, blk: &str, qd: usize, secs: u64) -> Result<(), String> {
    let dev = Device::open(ng).map_err(|e| format!("{}: {}", ng, e))?;
    let i = dev.info();
    let nlb = (4096 / i.lba_size).max(1);
    let span = i.nsze / nlb as u64;
    let until = Instant::now() + Duration::from_secs(secs);
    let e = |e: nvio::Error| e.to_string();
    let qe = |e: nvio::Error| format!("making the queue: {}", e);
    // the nvio ways: QD registered buffers
    let reg = QueueOptions { depth: qd as u32, reg_bufs: qd as u32, reg_buf_size: 4096, ..Default::default() };
    let mut regd = false; // the kernel took the registration
    let mut registered = |q: &nvio::Queue| {
        regd = q.flags() & nvio::sys::NVIO_QF_REG_BUFS != 0;
        q.buffers().ok_or_else(|| "no registered buffers".to_string())
    };
    let (c0, t0) = (cpu_ns(), Instant::now());
    let mut lat = match mode {
        "tpc" => {
            let q = dev
                .queue(&QueueOptions { wait: Wait::Poll, ..reg })
                .map_err(qe)?;
            let pool = registered(&q)?;
            tpc(q, pool, nlb, qd, until, span)?
        }
        // the registered buffers' share: the same driver over heap buffers
        "tpc-heap" => {
            let q = dev
                .queue(&QueueOptions { depth: qd as u32, wait: Wait::Poll, ..Default::default() })
                .map_err(qe)?;
            tpc(q, BufferPool::new(4096, qd).map_err(e)?, nlb, qd, until, span)?
        }
        "tokio" => {
            let rt = tokio::runtime::Builder::new_current_thread().enable_io().build().map_err(|e| e.to_string())?;
            let q = dev
                .queue(&QueueOptions { wait: Wait::Interrupts, eventfd: true, ..reg })
                .map_err(qe)?;
            let pool = registered(&q)?;
            rt.block_on(async {
                let q = AsyncQueue::new(q).map_err(|e| format!("the eventfd: {}", e))?;
                let mk = move |blk_no: u64| q.read(blk_no * nlb as u64, nlb, pool.get().unwrap());
                closed(mk, qd, until, span).await
            })?
        }
        "tokio-fs" => {
            let f = std::fs::OpenOptions::new()
                .read(true)
                .custom_flags(libc::O_DIRECT)
                .open(blk)
                .map_err(|e| format!("{}: {}", blk, e))?;
            let f = Arc::new(f);
            let pool = BufferPool::new(4096, qd).map_err(e)?;
            let rt = tokio::runtime::Builder::new_current_thread().build().map_err(|e| e.to_string())?;
            let mk = move |blk_no: u64| {
                let f = f.clone();
                let mut b = pool.get().unwrap();
                tokio::task::spawn_blocking(move || f.read_exact_at(&mut b, blk_no * 4096))
            };
            rt.block_on(closed(mk, qd, until, span))?
        }
        m => return Err(format!("mode '{}' is not tpc, tpc-heap, tokio or tokio-fs", m)),
    };
    let secs = t0.elapsed().as_secs_f64();
    let c1 = cpu_ns();
    lat.sort_unstable();
    let n = lat.len().max(1);
    let pct = |p: f64| lat.get(((n as f64 * p) as usize).min(n - 1)).copied().unwrap_or(0) as f64 / 1e3;
    println!(
        "{{\"mode\":\"{}\",\"qd\":{},\"ios\":{},\"secs\":{:.3},\"iops\":{:.0},\"p50_us\":{:.1},\"p99_us\":{:.1},\"cpu_user_ns_per_io\":{:.0},\"cpu_sys_ns_per_io\":{:.0},\"reg_bufs\":{}}}",
        mode,
        qd,
        lat.len(),
        secs,
        lat.len() as f64 / secs,
        pct(0.5),
        pct(0.99),
        (c1.0 - c0.0) as f64 / n as f64,
        (c1.1 - c0.1) as f64 / n as f64,
        regd as u8
    );
    Ok(())
}

fn main() -> ExitCode {
    let a: Vec<String> = std::env::args().collect();
    let usage = || {
        eprintln!("usage: bench tpc|tpc-heap|tokio|tokio-fs NGDEV BLKDEV QD(1-1024) SECONDS(1-3600)");
        ExitCode::from(2)
    };
    if a.len() != 6 {
        return usage();
    }
    let (qd, secs) = match (a[4].parse::<usize>(), a[5].parse::<u64>()) {
        (Ok(q), Ok(s)) if (1..=1024).contains(&q) && (1..=3600).contains(&s) => (q, s),
        _ => return usage(),
    };
    match run(&a[1], &a[2], &a[3], qd, secs) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: {}", e);
            ExitCode::from(3)
        }
    }
}
