//! cargo run --example tpc -- /dev/ng0n1 [THREADS] [READS]: thread per
//! core: each thread owns a queue and a driver, keeps 16 random 4 KiB
//! reads in flight as futures, into buffers from its own pool, and reaps
//! in its own loop; prints IOPS.
use nvio::driver::{join_all, Driver};
use nvio::{BufferPool, Device, QueueOptions};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

fn worker(dev: Arc<Device>, seed: u64, reads: u64) -> Result<u64, nvio::Error> {
    let i = dev.info();
    let nlb = (4096 / i.lba_size).max(1);
    let span = i.nsze / nlb as u64;
    let drv = Driver::new(dev.queue(&QueueOptions { depth: 16, ..Default::default() })?);
    let pool = BufferPool::new(4096.max(i.lba_size as usize), 16)?;
    let mut x = seed | 1;
    let mut done = 0;
    while done < reads {
        let batch = (reads - done).min(16);
        let ops = (0..batch)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                drv.read((x % span) * nlb as u64, nlb, pool.get().unwrap())
            })
            .collect();
        for (res, _) in drv.block_on(join_all(ops))? {
            res?;
        }
        done += batch;
    }
    Ok(done)
}

fn main() -> ExitCode {
    let a: Vec<String> = std::env::args().collect();
    let num = |k: usize, d: u64| a.get(k).map(|s| s.parse::<u64>().ok()).unwrap_or(Some(d));
    let (threads, reads) = match (num(2, 1), num(3, 10000)) {
        (Some(t), Some(r)) => (t, r),
        _ => {
            eprintln!("usage: tpc DEV [THREADS] [READS]: numbers");
            return ExitCode::from(2);
        }
    };
    if a.len() < 2 || threads == 0 || threads > 64 {
        eprintln!("usage: tpc DEV [THREADS 1-64] [READS]");
        return ExitCode::from(2);
    }
    let dev = match Device::open(&a[1]) {
        Ok(d) => Arc::new(d),
        Err(e) => {
            eprintln!("tpc: {}: {}", a[1], e);
            return ExitCode::from(3);
        }
    };
    let t0 = Instant::now();
    let hs: Vec<_> = (0..threads)
        .map(|k| {
            let dev = dev.clone();
            std::thread::spawn(move || worker(dev, 0x9e37_79b9 + k, reads))
        })
        .collect();
    let mut total = 0;
    for h in hs {
        match h.join().unwrap() {
            Ok(n) => total += n,
            Err(e) => {
                eprintln!("tpc: {}", e);
                return ExitCode::from(if e.status().is_some() { 1 } else { 3 });
            }
        }
    }
    let s = t0.elapsed().as_secs_f64();
    println!("{} reads of 4 KiB on {} threads in {:.3} s: {:.0} IOPS", total, threads, s, total as f64 / s);
    ExitCode::SUCCESS
}
