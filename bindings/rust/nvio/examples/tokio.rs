//! cargo run --features tokio --example tokio -- /dev/ng0n1: eight reads
//! as futures on Tokio's current-thread runtime, woken through the
//! queue's eventfd: no thread pool, no spawn_blocking.
use nvio::driver::join_all;
use nvio::tokio::AsyncQueue;
use nvio::{Buffer, Device, QueueOptions, Wait};
use std::process::ExitCode;

async fn run(path: &str) -> Result<(), nvio::Error> {
    let dev = Device::open(path)?;
    let lba = dev.info().lba_size as usize;
    let q = AsyncQueue::new(dev.queue(&QueueOptions {
        wait: Wait::Interrupts,
        eventfd: true,
        ..Default::default()
    })?)?;
    let reads = (0..8).map(|k| q.read(k, 1, Buffer::new(lba).unwrap())).collect();
    for (k, (res, buf)) in join_all(reads).await.into_iter().enumerate() {
        res?;
        println!("LBA {}: {:02x?}", k, &buf[..16]);
    }
    Ok(())
}

fn main() -> ExitCode {
    let a: Vec<String> = std::env::args().collect();
    if a.len() != 2 {
        eprintln!("usage: tokio DEV");
        return ExitCode::from(2);
    }
    let rt = match tokio::runtime::Builder::new_current_thread().enable_io().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("tokio: runtime: {}", e);
            return ExitCode::from(3);
        }
    };
    match rt.block_on(run(&a[1])) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tokio: {}: {}", a[1], e);
            ExitCode::from(if e.status().is_some() { 1 } else { 3 })
        }
    }
}
