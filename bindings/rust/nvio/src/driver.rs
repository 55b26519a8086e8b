//! A thread-per-core driver: one [`Queue`] owned by one thread, its
//! commands futures, its completions reaped in that thread's own loop
//! ([`Driver::block_on`]), with no thread hop and no reactor: the model
//! of glommio and monoio. On a polled queue the loop polls the device; on
//! an interrupt queue it sleeps in the kernel until a completion comes.
//!
//! ```no_run
//! use nvio::{driver::{join_all, Driver}, Buffer, Device, QueueOptions};
//!
//! let dev = Device::open("/dev/ng0n1")?;
//! let lba = dev.info().lba_size as usize;
//! let d = Driver::new(dev.queue(&QueueOptions::default())?);
//! let reads = (0..8).map(|k| d.read(k, 1, Buffer::new(lba).unwrap())).collect();
//! for (res, buf) in d.block_on(join_all(reads))? {
//!     res?;
//!     println!("{:02x?}", &buf[..4]);
//! }
//! # Ok::<(), nvio::Error>(())
//! ```
//!
//! A `Driver` and its futures are neither `Send` nor `Sync`: they stay
//! on the thread that made them. A future dropped while its command is in
//! flight leaves the buffer with the driver, which drops it (frees it, or
//! returns it to its [`BufferPool`](crate::BufferPool)) once the command
//! has completed.
//!
//! The hot path allocates nothing: each command's future finds its
//! completion by its slot in a table the driver reuses, and buffers can
//! come from a [`BufferPool`](crate::BufferPool).
use crate::{Buffer, Error, Queue, Result};
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};

/// What the driver knows of a command, in the table slot whose index is
/// the command's ticket.
enum Slot {
    /// Unused, on the free list.
    Free,
    /// Queued or in flight; its future waits.
    Waiting,
    /// Completed, for its future to take.
    Done(Result<u64>, Buffer),
    /// In flight, its future dropped: the completion (and the buffer
    /// with it) is dropped when it comes.
    Abandoned,
}

struct Shared {
    queue: Queue,
    slots: Vec<Slot>,
    free: Vec<usize>,
}

impl Shared {
    fn slot(&mut self) -> usize {
        match self.free.pop() {
            Some(i) => i,
            None => {
                self.slots.push(Slot::Free);
                self.slots.len() - 1
            }
        }
    }

    fn release(&mut self, i: usize) {
        self.slots[i] = Slot::Free;
        self.free.push(i);
    }
}

/// See the module's documentation.
pub struct Driver {
    shared: Rc<RefCell<Shared>>,
}

impl Driver {
    /// A driver that owns `queue`, on this thread.
    pub fn new(queue: Queue) -> Driver {
        Driver {
            shared: Rc::new(RefCell::new(Shared {
                slots: Vec::with_capacity(queue.depth()),
                free: Vec::with_capacity(queue.depth()),
                queue,
            })),
        }
    }

    fn op(&self, write: bool, slba: u64, nlb: u32, buf: Buffer) -> Op {
        Op { shared: self.shared.clone(), state: State::Unqueued { write, slba, nlb, buf } }
    }

    /// A read of `nlb` LBAs at `slba` into `buf`: resolves to its result
    /// and the buffer.
    pub fn read(&self, slba: u64, nlb: u32, buf: Buffer) -> Op {
        self.op(false, slba, nlb, buf)
    }

    /// A write of `nlb` LBAs at `slba` from `buf`.
    pub fn write(&self, slba: u64, nlb: u32, buf: Buffer) -> Op {
        self.op(true, slba, nlb, buf)
    }

    /// Commands in flight.
    pub fn inflight(&self) -> usize {
        self.shared.borrow().queue.inflight()
    }

    /// Runs `f` to completion on this thread, reaping the queue between
    /// polls. An error reaping (the device gone, say) ends it.
    pub fn block_on<F: Future>(&self, f: F) -> Result<F::Output> {
        let waker = noop_waker();
        let mut cx = Context::from_waker(&waker);
        let mut f = Box::pin(f);
        loop {
            if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
                return Ok(v);
            }
            let mut s = self.shared.borrow_mut();
            if s.queue.inflight() == 0 {
                // Pending with nothing in flight: only a future waiting
                // for something other than this driver's I/O would.
                return Err(Error::Os(35)); // EDEADLK
            }
            let Shared { queue, slots, free } = &mut *s;
            queue.reap_with(1, None, |c| {
                let i = c.ticket as usize;
                match slots.get(i) {
                    Some(Slot::Waiting) => slots[i] = Slot::Done(c.result, c.buf),
                    Some(Slot::Abandoned) => {
                        slots[i] = Slot::Free;
                        free.push(i);
                    }
                    // every ticket the queue holds is a Waiting or
                    // Abandoned slot's
                    _ => {}
                }
            })?;
        }
    }
}

enum State {
    Unqueued { write: bool, slba: u64, nlb: u32, buf: Buffer },
    /// Its slot in the driver's table.
    Queued(usize),
    Done,
}

/// One command, as a future of its result and its buffer.
pub struct Op {
    shared: Rc<RefCell<Shared>>,
    state: State,
}

impl Future for Op {
    type Output = (Result<u64>, Buffer);

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let mut s = this.shared.borrow_mut();
        match std::mem::replace(&mut this.state, State::Done) {
            State::Unqueued { write, slba, nlb, buf } => {
                let i = s.slot();
                let r = if write {
                    s.queue.queue_write(slba, nlb, buf, i as u64)
                } else {
                    s.queue.queue_read(slba, nlb, buf, i as u64)
                };
                match r {
                    Ok(()) => {
                        s.slots[i] = Slot::Waiting;
                        this.state = State::Queued(i);
                        Poll::Pending
                    }
                    // no room: queued later, once completions free some
                    Err((Error::QueueFull, buf)) => {
                        s.release(i);
                        this.state = State::Unqueued { write, slba, nlb, buf };
                        Poll::Pending
                    }
                    Err((e, buf)) => {
                        s.release(i);
                        Poll::Ready((Err(e), buf))
                    }
                }
            }
            State::Queued(i) => match std::mem::replace(&mut s.slots[i], Slot::Waiting) {
                Slot::Done(res, buf) => {
                    s.release(i);
                    Poll::Ready((res, buf))
                }
                _ => {
                    this.state = State::Queued(i);
                    Poll::Pending
                }
            },
            State::Done => panic!("nvio::driver::Op polled after it completed"),
        }
    }
}

impl Drop for Op {
    fn drop(&mut self) {
        if let State::Queued(i) = self.state {
            let mut s = self.shared.borrow_mut();
            // reaped but not taken: the buffer is ours to drop; in flight:
            // the driver drops it when the command completes
            match s.slots[i] {
                Slot::Done(..) => s.release(i),
                _ => s.slots[i] = Slot::Abandoned,
            }
        }
    }
}

/// Polls every future until all are ready; their outputs in order.
pub fn join_all<F: Future>(futs: Vec<F>) -> JoinAll<F> {
    let n = futs.len();
    JoinAll {
        futs: futs.into_iter().map(|f| Some(Box::pin(f))).collect(),
        out: (0..n).map(|_| None).collect(),
    }
}

/// The future of [`join_all`].
pub struct JoinAll<F: Future> {
    futs: Vec<Option<Pin<Box<F>>>>,
    out: Vec<Option<F::Output>>,
}

impl<F: Future> Unpin for JoinAll<F> {}

impl<F: Future> Future for JoinAll<F> {
    type Output = Vec<F::Output>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let mut pending = false;
        for (f, o) in this.futs.iter_mut().zip(this.out.iter_mut()) {
            if let Some(fut) = f {
                match fut.as_mut().poll(cx) {
                    Poll::Ready(v) => {
                        *o = Some(v);
                        *f = None;
                    }
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            return Poll::Pending;
        }
        Poll::Ready(this.out.iter_mut().map(|o| o.take().expect("every output set")).collect())
    }
}

/// The driver polls its one future after every reap: no wake-up to route.
fn noop_waker() -> Waker {
    fn clone(_: *const ()) -> RawWaker {
        RawWaker::new(std::ptr::null(), &VTABLE)
    }
    fn noop(_: *const ()) {}
    static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, noop, noop, noop);
    // SAFETY: the vtable's functions ignore the (null) data pointer
    unsafe { Waker::from_raw(RawWaker::new(std::ptr::null(), &VTABLE)) }
}
