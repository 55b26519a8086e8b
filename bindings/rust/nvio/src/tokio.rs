//! Tokio: a future per command on an interrupt queue, woken through the
//! queue's eventfd (`tokio::io::unix::AsyncFd`), no thread pool and no
//! `spawn_blocking`. The queue stays on one thread: run it on a
//! current-thread runtime or in a `LocalSet` (an [`AsyncQueue`] is not
//! `Send`). Feature `tokio`.
//!
//! ```no_run
//! # async fn f() -> Result<(), nvio::Error> {
//! use nvio::{tokio::AsyncQueue, Buffer, Device, QueueOptions, Wait};
//!
//! let dev = Device::open("/dev/ng0n1")?;
//! let lba = dev.info().lba_size as usize;
//! let q = AsyncQueue::new(dev.queue(&QueueOptions {
//!     wait: Wait::Interrupts, eventfd: true, ..Default::default()
//! })?)?;
//! let (res, buf) = q.read(0, 1, Buffer::new(lba)?).await;
//! res?;
//! # Ok(()) }
//! ```
use crate::{Buffer, Error, Queue, Result};
use std::cell::RefCell;
use std::future::Future;
use std::os::unix::io::{AsRawFd, RawFd};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use ::tokio::io::unix::AsyncFd;

struct EventFd(RawFd);

impl AsRawFd for EventFd {
    fn as_raw_fd(&self) -> RawFd {
        self.0
    }
}

/// What the queue knows of a command, in the table slot whose index is
/// the command's ticket (as in [`crate::driver`]).
enum Slot {
    Free,
    /// Queued or in flight; the waker of its future once it has polled.
    Waiting(Option<Waker>),
    Done(Result<u64>, Buffer),
    /// In flight, its future gone: dropped with its buffer when it comes.
    Abandoned,
}

struct Inner {
    queue: Queue,
    slots: Vec<Slot>,
    free: Vec<usize>,
    /// futures waiting for room in the queue
    room: Vec<Waker>,
}

impl Inner {
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

/// An interrupt queue made with `eventfd`, driven by Tokio.
pub struct AsyncQueue {
    // dropped first: out of Tokio's reactor before the queue closes the fd
    fd: AsyncFd<EventFd>,
    inner: RefCell<Inner>,
}

impl AsyncQueue {
    /// The queue must take interrupts and have its eventfd
    /// (`QueueOptions { wait: Wait::Interrupts, eventfd: true, .. }`):
    /// a polled queue posts nothing until it is polled.
    /// Needs a Tokio runtime with I/O enabled.
    pub fn new(queue: Queue) -> Result<Rc<AsyncQueue>> {
        let fd = queue.event_fd()?;
        let fd = AsyncFd::new(EventFd(fd)).map_err(|e| Error::Os(e.raw_os_error().unwrap_or(5)))?;
        Ok(Rc::new(AsyncQueue {
            inner: RefCell::new(Inner {
                slots: Vec::with_capacity(queue.depth()),
                free: Vec::with_capacity(queue.depth()),
                room: Vec::new(),
                queue,
            }),
            fd,
        }))
    }

    /// A read of `nlb` LBAs at `slba` into `buf`: its result and the buffer.
    pub fn read(self: &Rc<Self>, slba: u64, nlb: u32, buf: Buffer) -> AsyncOp {
        AsyncOp { q: self.clone(), state: St::Unqueued { write: false, slba, nlb, buf } }
    }

    /// A write of `nlb` LBAs at `slba` from `buf`.
    pub fn write(self: &Rc<Self>, slba: u64, nlb: u32, buf: Buffer) -> AsyncOp {
        AsyncOp { q: self.clone(), state: St::Unqueued { write: true, slba, nlb, buf } }
    }

    /// Commands queued or in flight.
    pub fn inflight(&self) -> usize {
        self.inner.borrow().queue.inflight()
    }

    /// The eventfd readable: clear it, reap what is there, hand each
    /// completion to its future and wake it. Err: reaping failed.
    fn drive(&self, cx: &mut Context<'_>) -> Result<()> {
        // what an earlier submit left (no system call when nothing is)
        if let Err(e) = self.inner.borrow_mut().queue.submit() {
            if !retry_later(&e) {
                return Err(e);
            }
            cx.waker().wake_by_ref();
        }
        loop {
            let mut guard = match self.fd.poll_read_ready(cx) {
                Poll::Ready(Ok(g)) => g,
                Poll::Ready(Err(e)) => return Err(Error::Os(e.raw_os_error().unwrap_or(5))),
                Poll::Pending => return Ok(()),
            };
            let mut v = [0u8; 8];
            // SAFETY: 8 bytes into a local buffer from the queue's
            // eventfd, nonblocking (EAGAIN when already cleared)
            unsafe { libc::read(self.fd.get_ref().0, v.as_mut_ptr() as *mut libc::c_void, 8) };
            guard.clear_ready();
            let mut i = self.inner.borrow_mut();
            let Inner { queue, slots, free, room } = &mut *i;
            let got = queue.reap_with(0, None, |c| {
                let t = c.ticket as usize;
                match slots.get_mut(t) {
                    Some(Slot::Waiting(w)) => {
                        if let Some(w) = w.take() {
                            w.wake();
                        }
                        slots[t] = Slot::Done(c.result, c.buf);
                    }
                    Some(Slot::Abandoned) => {
                        slots[t] = Slot::Free;
                        free.push(t);
                    }
                    // every ticket the queue holds is a Waiting or
                    // Abandoned slot's
                    _ => {}
                }
            })?;
            if got > 0 {
                for w in room.drain(..) {
                    w.wake();
                }
            }
        }
    }
}

/// A submit that failed with EINTR (task work or a signal came first),
/// EAGAIN or EBUSY (no room for completions yet) left its commands queued,
/// for a later submit or reap; any other error would leave them waiting
/// for nothing.
fn retry_later(e: &Error) -> bool {
    matches!(e, Error::Os(4) | Error::Os(11) | Error::Os(16))
}

enum St {
    Unqueued { write: bool, slba: u64, nlb: u32, buf: Buffer },
    /// Its slot in the queue's table.
    Queued(usize),
    Done,
}

/// One command as a future: its result and its buffer.
pub struct AsyncOp {
    q: Rc<AsyncQueue>,
    state: St,
}

impl Future for AsyncOp {
    type Output = (Result<u64>, Buffer);

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        loop {
            match std::mem::replace(&mut this.state, St::Done) {
                St::Unqueued { write, slba, nlb, buf } => {
                    let r = {
                        let mut i = this.q.inner.borrow_mut();
                        let t = i.slot();
                        let r = if write {
                            i.queue.queue_write(slba, nlb, buf, t as u64)
                        } else {
                            i.queue.queue_read(slba, nlb, buf, t as u64)
                        };
                        if r.is_ok() {
                            i.slots[t] = Slot::Waiting(Some(cx.waker().clone()));
                            if let Err(e) = i.queue.submit() {
                                if !retry_later(&e) {
                                    drop(i);
                                    return Poll::Ready(fail_queued(&this.q, t, e));
                                }
                                // polled again soon, to submit it
                                cx.waker().wake_by_ref();
                            }
                        } else {
                            i.release(t);
                            if let Err((Error::QueueFull, _)) = &r {
                                i.room.push(cx.waker().clone());
                            }
                        }
                        r.map(|()| t)
                    };
                    match r {
                        Ok(t) => {
                            this.state = St::Queued(t);
                        }
                        Err((Error::QueueFull, buf)) => {
                            this.state = St::Unqueued { write, slba, nlb, buf };
                            if let Err(e) = this.q.drive(cx) {
                                let buf = match std::mem::replace(&mut this.state, St::Done) {
                                    St::Unqueued { buf, .. } => buf,
                                    _ => unreachable!(),
                                };
                                return Poll::Ready((Err(e), buf));
                            }
                            if this.q.inflight() < this.q.inner.borrow().queue.depth() {
                                continue; // room now
                            }
                            return Poll::Pending;
                        }
                        Err((e, buf)) => return Poll::Ready((Err(e), buf)),
                    }
                }
                St::Queued(t) => {
                    {
                        let mut i = this.q.inner.borrow_mut();
                        match &mut i.slots[t] {
                            Slot::Done(..) => {
                                let (res, buf) = match std::mem::replace(&mut i.slots[t], Slot::Free) {
                                    Slot::Done(res, buf) => (res, buf),
                                    _ => unreachable!(),
                                };
                                i.release(t);
                                return Poll::Ready((res, buf));
                            }
                            Slot::Waiting(w) => match w {
                                Some(w) if w.will_wake(cx.waker()) => {}
                                _ => *w = Some(cx.waker().clone()),
                            },
                            _ => {}
                        }
                    }
                    this.state = St::Queued(t);
                    if let Err(e) = this.q.drive(cx) {
                        this.state = St::Done;
                        return Poll::Ready(fail_queued(&this.q, t, e));
                    }
                    if let Slot::Done(..) = this.q.inner.borrow().slots[t] {
                        continue;
                    }
                    return Poll::Pending;
                }
                St::Done => panic!("nvio::tokio::AsyncOp polled after it completed"),
            }
        }
    }
}

/// A command in the queue whose future cannot wait for it (submitting or
/// reaping failed): its buffer stays with the queue, which may still hand
/// it to the device, and is freed after; the error comes with a one-byte
/// stand-in buffer.
fn fail_queued(q: &Rc<AsyncQueue>, t: usize, e: Error) -> (Result<u64>, Buffer) {
    let mut i = q.inner.borrow_mut();
    abandon(&mut i, t);
    match Buffer::new(1) {
        Ok(b) => (Err(e), b),
        // no memory for a byte: the queue's buffer is all there is, and
        // it may not be handed out; nothing safe to return but a panic
        Err(_) => panic!("nvio::tokio: out of memory reporting {}", e),
    }
}

/// Its future is gone: a completed command's buffer is dropped now, an
/// in-flight one's when it completes.
fn abandon(i: &mut Inner, t: usize) {
    match i.slots[t] {
        Slot::Done(..) => i.release(t),
        _ => i.slots[t] = Slot::Abandoned,
    }
}

impl Drop for AsyncOp {
    fn drop(&mut self) {
        if let St::Queued(t) = self.state {
            abandon(&mut self.q.inner.borrow_mut(), t);
        }
    }
}
