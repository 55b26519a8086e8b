//! cargo run --example read -- /dev/ng0n1 [SLBA]: one read waited for,
//! then eight queued at once, their buffers handed back by the queue.
use nvio::{Buffer, Device, QueueOptions};
use std::process::ExitCode;

fn run(path: &str, slba: u64) -> Result<(), nvio::Error> {
    let dev = Device::open(path)?;
    let i = dev.info();
    let lba = i.lba_size as usize;
    let mut q = dev.queue(&QueueOptions::default())?;
    println!("{}: {} LBAs of {} bytes, {} queue", i.generic_path, i.nsze, lba,
             if q.polled() { "polled" } else { "interrupt" });
    let mut buf = Buffer::new(lba)?;
    q.read(slba, 1, &mut buf)?;
    println!("LBA {}: {:02x?}", slba, &buf[..16]);
    for k in 0..8 {
        q.queue_read(slba + k, 1, Buffer::new(lba)?, k).map_err(|(e, _)| e)?;
    }
    let mut done = 0;
    while done < 8 {
        for c in q.reap(1, None)? {
            c.result?;
            println!("LBA {}: {:02x?}", slba + c.ticket, &c.buf[..16]);
            done += 1;
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 2 || args.len() > 3 {
        eprintln!("usage: read DEV [SLBA]");
        return ExitCode::from(2);
    }
    let slba = match args.get(2).map(|s| s.parse::<u64>()) {
        None => 0,
        Some(Ok(v)) => v,
        Some(Err(_)) => {
            eprintln!("read: SLBA '{}' is not a number", args[2]);
            return ExitCode::from(2);
        }
    };
    match run(&args[1], slba) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("read: {}: {}", args[1], e);
            ExitCode::from(if e.status().is_some() { 1 } else { 3 })
        }
    }
}
