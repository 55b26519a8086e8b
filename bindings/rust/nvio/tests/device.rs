//! Device tests of the safe API, on the namespace $NVIO_DEV (the VM's
//! basic topology: tests/rust/run-device). Without it each test says so
//! and returns; the script that runs them skips (exit 77) first.
use nvio::{Buffer, Device, Error, QueueOptions, Reap, Wait};
use std::time::Duration;
use std::collections::HashSet;

fn dev() -> Option<Device> {
    match std::env::var("NVIO_DEV") {
        Ok(p) => Some(Device::open(&p).expect("opening $NVIO_DEV")),
        Err(_) => {
            eprintln!("skipped: NVIO_DEV is not set (run in the VM)");
            None
        }
    }
}

/// The last 64 LBAs: written only here.
fn scratch(d: &Device) -> u64 {
    d.info().nsze - 64
}

fn fill(buf: &mut Buffer, seed: u64) {
    let mut x = seed | 1;
    for b in buf.iter_mut() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b = x as u8;
    }
}

#[test]
fn info_names_the_namespace() {
    let d = match dev() {
        Some(d) => d,
        None => return,
    };
    let i = d.info();
    assert!(i.lba_size >= 512 && i.nsze > 64, "{i:?}");
    assert!(i.generic_path.starts_with("/dev/ng"), "{i:?}");
    assert!(i.max_nlb >= 1 && i.max_transfer >= i.lba_size, "{i:?}");
}

#[test]
fn sync_round_trip() {
    let d = match dev() {
        Some(d) => d,
        None => return,
    };
    let lba = d.info().lba_size as usize;
    let at = scratch(&d);
    let mut q = d.queue(&QueueOptions::default()).unwrap();
    let mut w = Buffer::new(8 * lba).unwrap();
    let mut r = Buffer::new(8 * lba).unwrap();
    fill(&mut w, at);
    q.write(at, 8, &w).unwrap();
    q.read(at, 8, &mut r).unwrap();
    assert!(w[..] == r[..], "read back differs");
    q.flush().unwrap();
}

#[test]
fn queued_reads_give_their_buffers_back() {
    let d = match dev() {
        Some(d) => d,
        None => return,
    };
    let lba = d.info().lba_size as usize;
    let at = scratch(&d);
    let mut q = d.queue(&QueueOptions { depth: 8, ..Default::default() }).unwrap();
    // what the LBAs hold, one at a time
    let mut want = Vec::new();
    for k in 0..8u64 {
        let mut w = Buffer::new(lba).unwrap();
        fill(&mut w, 1000 + k);
        q.write(at + k, 1, &w).unwrap();
        want.push(w.to_vec());
    }
    for k in 0..8u64 {
        q.queue_read(at + k, 1, Buffer::new(lba).unwrap(), k).map_err(|(e, _)| e).unwrap();
    }
    assert_eq!(q.inflight(), 8);
    let mut seen = HashSet::new();
    while seen.len() < 8 {
        for c in q.reap(1, Some(std::time::Duration::from_secs(30))).unwrap() {
            c.result.unwrap();
            assert!(c.buf[..] == want[c.ticket as usize][..], "LBA {} read back differs", at + c.ticket);
            assert!(seen.insert(c.ticket), "ticket {} twice", c.ticket);
        }
    }
    assert_eq!(q.inflight(), 0);
}

#[test]
fn bad_input_is_a_typed_error_with_nothing_sent() {
    let d = match dev() {
        Some(d) => d,
        None => return,
    };
    let i = d.info();
    let lba = i.lba_size as usize;
    let mut q = d.queue(&QueueOptions { depth: 2, ..Default::default() }).unwrap();
    // a buffer shorter than the command
    let mut small = Buffer::new(lba / 2).unwrap();
    assert_eq!(q.read(0, 1, &mut small), Err(Error::BufferTooShort { need: lba, have: lba / 2 }));
    let (e, back) = q.queue_read(0, 2, small, 0).unwrap_err();
    assert!(matches!(e, Error::BufferTooShort { .. }), "{e}");
    assert_eq!(back.len(), lba / 2);
    assert_eq!(q.inflight(), 0);
    // past the end of the namespace
    let mut b = Buffer::new(lba).unwrap();
    assert_eq!(q.read(i.nsze, 1, &mut b), Err(Error::Os(34)), "ERANGE");
    // more than the depth
    q.queue_read(0, 1, Buffer::new(lba).unwrap(), 1).map_err(|(e, _)| e).unwrap();
    q.queue_read(1, 1, Buffer::new(lba).unwrap(), 2).map_err(|(e, _)| e).unwrap();
    let (e, _) = q.queue_read(2, 1, Buffer::new(lba).unwrap(), 3).unwrap_err();
    assert_eq!(e, Error::QueueFull);
    // a synchronous call with commands in flight
    assert_eq!(q.read(0, 1, &mut b), Err(Error::NotIdle { inflight: 2 }));
    let mut n = 0;
    while n < 2 {
        n += q.reap(1, None).unwrap().len();
    }
}

#[test]
fn reaps_spin_or_wait_in_the_kernel_as_asked() {
    let d = match dev() {
        Some(d) => d,
        None => return,
    };
    let lba = d.info().lba_size as usize;
    let at = scratch(&d);
    // a bound past 1 s: refused, no queue made
    let long = QueueOptions { reap: Reap::Spin, spin_bound: Duration::from_millis(1001), ..Default::default() };
    assert_eq!(d.queue(&long).err(), Some(Error::Os(22)), "EINVAL");
    for (wait, reap) in [(Wait::Default, Reap::Spin), (Wait::Default, Reap::Kernel), (Wait::Interrupts, Reap::Spin)] {
        let mut q = d
            .queue(&QueueOptions { depth: 4, wait, reap, spin_bound: Duration::from_micros(200), ..Default::default() })
            .unwrap();
        assert_eq!(q.reap_strategy(), reap, "{wait:?}");
        // 16 reads through a depth-4 queue, each one's buffer back with its data
        let mut w = Buffer::new(lba).unwrap();
        fill(&mut w, at + 7);
        q.write(at + 7, 1, &w).unwrap();
        let (mut sent, mut got) = (0u64, 0u64);
        let deadline = std::time::Instant::now() + Duration::from_secs(90);
        while got < 16 {
            assert!(std::time::Instant::now() < deadline, "{wait:?} {reap:?}: {got} of 16 reads in 90 s");
            while sent < 16 && q.inflight() < 4 {
                q.queue_read(at + 7, 1, Buffer::new(lba).unwrap(), sent).map_err(|(e, _)| e).unwrap();
                sent += 1;
            }
            for c in q.reap(1, Some(Duration::from_secs(30))).unwrap() {
                c.result.unwrap();
                assert!(c.buf[..] == w[..], "{wait:?} {reap:?}: read {} differs", c.ticket);
                got += 1;
            }
        }
        // switching with nothing in flight, and a bad bound keeping the old
        q.set_reap(Reap::Kernel, Duration::ZERO).unwrap();
        assert_eq!(q.reap_strategy(), Reap::Kernel);
        assert_eq!(q.set_reap(Reap::Spin, Duration::from_secs(2)), Err(Error::Os(22)));
        assert_eq!(q.reap_strategy(), Reap::Kernel);
    }
    // the default, as the library resolves it: interrupt queues wait in
    // the kernel everywhere, so only a polled queue may spin
    let q = d.queue(&QueueOptions { wait: Wait::Interrupts, ..Default::default() }).unwrap();
    assert_eq!(q.reap_strategy(), Reap::Kernel);
    // and a default queue spins only if polled on 7.2 or later (quirk
    // iopoll-wait-slow, nvio_queue_set_wait(3))
    let q = d.queue(&QueueOptions::default()).unwrap();
    let rel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap();
    let mut v = rel.trim().split(|c: char| !c.is_ascii_digit()).map(|x| x.parse::<u32>().unwrap_or(0));
    let (major, minor) = (v.next().unwrap_or(0), v.next().unwrap_or(0));
    let spins = q.polled() && (major, minor) >= (7, 2);
    assert_eq!(q.reap_strategy(), if spins { Reap::Spin } else { Reap::Kernel }, "{} polled={}", rel.trim(), q.polled());
}

#[test]
fn a_queue_used_from_another_thread_says_so() {
    let d = match dev() {
        Some(d) => d,
        None => return,
    };
    let lba = d.info().lba_size as usize;
    let mut q = d.queue(&QueueOptions { wait: Wait::Interrupts, ..Default::default() }).unwrap();
    if q.flags() & nvio::sys::NVIO_QF_SINGLE_ISSUER == 0 {
        eprintln!("skipped: this kernel's rings are not single-issuer");
        return;
    }
    let mut b = Buffer::new(lba).unwrap();
    q.read(0, 1, &mut b).unwrap(); // this thread owns the ring now
    let r = std::thread::spawn(move || {
        let mut b = Buffer::new(lba).unwrap();
        let r = q.read(0, 1, &mut b);
        (r, q)
    })
    .join()
    .unwrap();
    assert_eq!(r.0, Err(Error::WrongThread));
    drop(r.1); // destroyed here, by the thread that owns it
}

#[test]
fn dropping_a_queue_with_commands_in_flight_waits_for_them() {
    let d = match dev() {
        Some(d) => d,
        None => return,
    };
    let lba = d.info().lba_size as usize;
    let mut q = d.queue(&QueueOptions::default()).unwrap();
    for k in 0..16u64 {
        q.queue_read(k, 1, Buffer::new(lba).unwrap(), k).map_err(|(e, _)| e).unwrap();
    }
    q.submit().unwrap();
    drop(q); // nvio_queue_destroy reaps them before the buffers go
    drop(d);
}

#[test]
fn driver_runs_more_reads_than_the_queue_holds() {
    use nvio::driver::{join_all, Driver};
    let d = match dev() {
        Some(d) => d,
        None => return,
    };
    let lba = d.info().lba_size as usize;
    let at = scratch(&d);
    let mut q = d.queue(&QueueOptions { depth: 4, ..Default::default() }).unwrap();
    let mut want = Vec::new();
    for k in 0..16u64 {
        let mut w = Buffer::new(lba).unwrap();
        fill(&mut w, 2000 + k);
        q.write(at + k, 1, &w).unwrap();
        want.push(w.to_vec());
    }
    let drv = Driver::new(q);
    // 16 reads on a queue of 4: the rest wait for room
    let reads = (0..16u64).map(|k| drv.read(at + k, 1, Buffer::new(lba).unwrap())).collect();
    let got = drv.block_on(join_all(reads)).unwrap();
    for (k, (res, buf)) in got.into_iter().enumerate() {
        res.unwrap();
        assert!(buf[..] == want[k][..], "LBA {} read back differs", at + k as u64);
    }
    // a bad one resolves to its error, with its buffer
    let (res, buf) = drv.block_on(drv.read(d.info().nsze, 1, Buffer::new(lba).unwrap())).unwrap();
    assert_eq!(res, Err(Error::Os(34)));
    assert_eq!(buf.len(), lba);
    assert_eq!(drv.inflight(), 0);
}

#[test]
fn driver_frees_the_buffer_of_a_dropped_future_after_its_command() {
    use nvio::driver::Driver;
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context, Poll};
    let d = match dev() {
        Some(d) => d,
        None => return,
    };
    let lba = d.info().lba_size as usize;
    let drv = Driver::new(d.queue(&QueueOptions::default()).unwrap());
    // polled once (queued), then dropped while in flight
    struct Once(Option<nvio::driver::Op>);
    impl Future for Once {
        type Output = ();
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            let mut op = self.0.take().unwrap();
            assert!(Pin::new(&mut op).poll(cx).is_pending());
            drop(op);
            Poll::Ready(())
        }
    }
    drv.block_on(Once(Some(drv.read(0, 1, Buffer::new(lba).unwrap())))).unwrap();
    assert_eq!(drv.inflight(), 1);
    // the next command's loop reaps it, and frees its buffer
    let (res, _) = drv.block_on(drv.read(1, 1, Buffer::new(lba).unwrap())).unwrap();
    res.unwrap();
    drop(drv); // the queue waits for anything still in flight
}

#[test]
fn driver_reads_into_pooled_buffers_and_the_pool_gets_them_back() {
    use nvio::driver::{join_all, Driver};
    use nvio::BufferPool;
    let d = match dev() {
        Some(d) => d,
        None => return,
    };
    let lba = d.info().lba_size as usize;
    let at = scratch(&d);
    let mut q = d.queue(&QueueOptions { depth: 4, ..Default::default() }).unwrap();
    let mut want = Vec::new();
    for k in 0..16u64 {
        let mut w = Buffer::new(lba).unwrap();
        fill(&mut w, 4000 + k);
        q.write(at + k, 1, &w).unwrap();
        want.push(w.to_vec());
    }
    let drv = Driver::new(q);
    let pool = BufferPool::new(lba, 4).unwrap();
    // 64 reads, 4 at a time, in the pool's 4 buffers: each batch reads
    // over what the last left, and the pool never grows
    for round in 0..16u64 {
        let reads = (0..4u64).map(|j| drv.read(at + (round * 4 + j) % 16, 1, pool.get().unwrap())).collect();
        for (j, (res, buf)) in drv.block_on(join_all(reads)).unwrap().into_iter().enumerate() {
            res.unwrap();
            let k = ((round * 4 + j as u64) % 16) as usize;
            assert!(buf[..] == want[k][..], "LBA {} read back differs", at + k as u64);
        }
        assert_eq!(pool.idle(), 4, "round {round}: every buffer back");
    }
    assert_eq!(drv.inflight(), 0);
}

#[test]
fn a_pooled_buffer_in_flight_goes_back_only_after_its_command() {
    use nvio::driver::Driver;
    use nvio::BufferPool;
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context, Poll};
    let d = match dev() {
        Some(d) => d,
        None => return,
    };
    let lba = d.info().lba_size as usize;
    let drv = Driver::new(d.queue(&QueueOptions::default()).unwrap());
    let pool = BufferPool::new(lba, 1).unwrap();
    struct Once(Option<nvio::driver::Op>);
    impl Future for Once {
        type Output = ();
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            let mut op = self.0.take().unwrap();
            assert!(Pin::new(&mut op).poll(cx).is_pending());
            drop(op);
            Poll::Ready(())
        }
    }
    // queued, then its future dropped: the driver holds the buffer
    drv.block_on(Once(Some(drv.read(0, 1, pool.get().unwrap())))).unwrap();
    assert_eq!(drv.inflight(), 1);
    assert_eq!(pool.idle(), 0, "a buffer in flight is not back in the pool");
    assert!(pool.try_get().is_none());
    // other commands' loops reap it; then, and only then, it comes back
    for _ in 0..100 {
        if drv.inflight() == 0 {
            break;
        }
        let (res, _) = drv.block_on(drv.read(1, 1, Buffer::new(lba).unwrap())).unwrap();
        res.unwrap();
    }
    assert_eq!(drv.inflight(), 0);
    assert_eq!(pool.idle(), 1);
}

#[test]
fn registered_buffers_are_a_pool_that_outlives_the_queue() {
    use nvio::driver::{join_all, Driver};
    let d = match dev() {
        Some(d) => d,
        None => return,
    };
    let lba = d.info().lba_size as usize;
    let at = scratch(&d);
    let mut q = d
        .queue(&QueueOptions { depth: 4, reg_bufs: 4, reg_buf_size: lba as u32, ..Default::default() })
        .unwrap();
    if q.flags() & nvio::sys::NVIO_QF_REG_BUFS == 0 {
        eprintln!("note: the kernel did not take the registration; the buffers work unregistered");
    }
    let mut want = Vec::new();
    for k in 0..8u64 {
        let mut w = Buffer::new(lba).unwrap();
        fill(&mut w, 5000 + k);
        q.write(at + k, 1, &w).unwrap();
        want.push(w.to_vec());
    }
    assert!(d.queue(&QueueOptions::default()).unwrap().buffers().is_none());
    let pool = q.buffers().unwrap();
    assert!(pool.registered());
    assert_eq!((pool.idle(), pool.buf_len()), (4, lba));
    let drv = Driver::new(q);
    for round in 0..2u64 {
        let reads = (0..4u64).map(|j| drv.read(at + round * 4 + j, 1, pool.get().unwrap())).collect();
        for (j, (res, buf)) in drv.block_on(join_all(reads)).unwrap().into_iter().enumerate() {
            res.unwrap();
            let k = (round * 4 + j as u64) as usize;
            assert!(buf[..] == want[k][..], "LBA {} read back differs", at + k as u64);
        }
        assert_eq!(pool.idle(), 4);
    }
    // all four out: past them, get() gives an unregistered buffer
    let out: Vec<Buffer> = (0..4).map(|_| pool.get().unwrap()).collect();
    assert!(pool.try_get().is_none());
    let extra = pool.get().unwrap();
    assert_eq!(extra.len(), lba);
    drop((out, extra));
    assert_eq!(pool.idle(), 4, "the unregistered one is not kept");
    // one kept out, two in flight when the driver (and its queue) goes:
    // the drop reaps them, and the kept one's memory stays
    let mut kept = pool.get().unwrap();
    for (k, b) in kept.iter_mut().enumerate() {
        *b = k as u8;
    }
    struct Twice(Vec<nvio::driver::Op>);
    impl std::future::Future for Twice {
        type Output = ();
        fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<()> {
            for op in self.0.iter_mut() {
                assert!(std::pin::Pin::new(op).poll(cx).is_pending());
            }
            std::task::Poll::Ready(())
        }
    }
    let ops = vec![drv.read(at, 1, pool.get().unwrap()), drv.read(at + 1, 1, pool.get().unwrap())];
    let mut twice = Twice(ops);
    drv.block_on(&mut twice).unwrap();
    assert_eq!(drv.inflight(), 2);
    assert_eq!(pool.idle(), 1);
    drop(twice); // the futures go; the driver keeps their buffers
    drop(drv);
    assert_eq!(pool.idle(), 3, "the two in flight came back when the queue went");
    assert!(kept.iter().enumerate().all(|(k, &b)| b == k as u8));
    // any queue can use it (unregistered there)
    let mut q2 = d.queue(&QueueOptions::default()).unwrap();
    q2.read(at + 2, 1, &mut kept).unwrap();
    assert!(kept[..] == want[2][..]);
    drop((kept, pool)); // the last of them: the old queue is destroyed now
}

#[cfg(feature = "tokio")]
#[test]
fn tokio_futures_woken_through_the_eventfd() {
    use nvio::driver::join_all;
    use nvio::tokio::AsyncQueue;
    let d = match dev() {
        Some(d) => d,
        None => return,
    };
    let lba = d.info().lba_size as usize;
    let at = scratch(&d);
    let nsze = d.info().nsze;
    // a polled queue posts nothing until polled: no eventfd to wait on
    let polled = d.queue(&QueueOptions { wait: Wait::Poll, ..Default::default() });
    if let Ok(p) = polled {
        assert_eq!(AsyncQueue::new(p).err(), Some(Error::Os(95)), "EOPNOTSUPP");
    }
    let rt = tokio::runtime::Builder::new_current_thread().enable_io().build().unwrap();
    rt.block_on(async {
        let q = AsyncQueue::new(
            d.queue(&QueueOptions { depth: 4, wait: Wait::Interrupts, eventfd: true, ..Default::default() })
                .unwrap(),
        )
        .unwrap();
        // 16 writes then 16 reads on a queue of 4: the rest wait for room
        let mut want = Vec::new();
        let writes = (0..16u64)
            .map(|k| {
                let mut w = Buffer::new(lba).unwrap();
                fill(&mut w, 3000 + k);
                want.push(w.to_vec());
                q.write(at + k, 1, w)
            })
            .collect();
        for (res, _) in join_all(writes).await {
            res.unwrap();
        }
        // into pooled buffers, all of which come back
        let pool = nvio::BufferPool::new(lba, 4).unwrap();
        let reads = (0..16u64).map(|k| q.read(at + k, 1, pool.get().unwrap())).collect();
        for (k, (res, buf)) in join_all(reads).await.into_iter().enumerate() {
            res.unwrap();
            assert!(buf[..] == want[k][..], "LBA {} read back differs", at + k as u64);
        }
        assert_eq!(pool.idle(), 16);
        let (res, _) = q.read(nsze, 1, Buffer::new(lba).unwrap()).await;
        assert_eq!(res, Err(Error::Os(34)));
        assert_eq!(q.inflight(), 0);
    });
}
