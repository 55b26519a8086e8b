// build.rs - link libnvio, and measure the C layout of the structs the
// FFI mirrors, so that a test can hold the Rust declarations to it.
//
//   NVIO_LIB_DIR      directory of libnvio.so (a build tree's lib/.libs);
//                     else pkg-config's, else the linker's default
//   NVIO_INCLUDE_DIR  directory of nvio.h; else the source tree's include/
use std::env;
use std::fs;
use std::path::PathBuf;
use std::process::Command;

// The fields of struct nvio_dev_info, in order (checked one by one).
const INFO_FIELDS: &str = "nsid lba_size lba_shift md_size md_extended flbas pi_type vwc nsze max_xfer max_nlb oncs vid mdts poll_queues admin serial model firmware transport generic_path block_name ctrl_path id_source md_unknown pi_first pi_guard_bits pi_size pi_sts ctrl_only copy_max_range copy_max_len copy_max_ranges zoned zone_size nr_zones max_open_zones max_active_zones zone_append_max fdp fdp_unknown fdp_endgid fdp_nr_pids fdp_pids";

fn main() {
    println!("cargo:rerun-if-env-changed=NVIO_LIB_DIR");
    println!("cargo:rerun-if-env-changed=NVIO_INCLUDE_DIR");
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let inc = env::var("NVIO_INCLUDE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| manifest.join("../../../include"));
    println!("cargo:rerun-if-changed={}", inc.join("nvio.h").display());

    if let Ok(dir) = env::var("NVIO_LIB_DIR") {
        println!("cargo:rustc-link-search=native={}", dir);
        // tests and examples run in place, from the build tree
        println!("cargo:rustc-link-arg=-Wl,-rpath,{}", dir);
    } else if let Ok(out) = Command::new("pkg-config")
        .args(["--libs-only-L", "libnvio"])
        .output()
    {
        for flag in String::from_utf8_lossy(&out.stdout).split_whitespace() {
            if let Some(dir) = flag.strip_prefix("-L") {
                println!("cargo:rustc-link-search=native={}", dir);
            }
        }
    }
    println!("cargo:rustc-link-lib=dylib=nvio");

    // The layout, as the C compiler sees it.
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    let mut c = String::from("#include <stddef.h>\n#include <stdio.h>\n#include <nvio.h>\nint main(void)\n{\n");
    c.push_str("\tprintf(\"pub const C_SIZES: &[(&str, usize)] = &[\\n\");\n");
    for t in ["nvio_dev_info", "nvio_dev_opts", "nvio_queue_opts", "nvio_cpl"] {
        c.push_str(&format!(
            "\tprintf(\"    (\\\"{t}\\\", %zu),\\n\", sizeof(struct {t}));\n"
        ));
    }
    c.push_str("\tprintf(\"];\\npub const C_INFO_OFFSETS: &[(&str, usize)] = &[\\n\");\n");
    for f in INFO_FIELDS.split_whitespace() {
        c.push_str(&format!(
            "\tprintf(\"    (\\\"{f}\\\", %zu),\\n\", offsetof(struct nvio_dev_info, {f}));\n"
        ));
    }
    c.push_str("\tprintf(\"];\\n\");\n\treturn 0;\n}\n");
    let src = out.join("layout.c");
    let exe = out.join("layout");
    fs::write(&src, c).unwrap();
    let cc = env::var("CC").unwrap_or_else(|_| "cc".into());
    let st = Command::new(&cc)
        .arg("-std=gnu11")
        .arg("-I")
        .arg(&inc)
        .arg(&src)
        .arg("-o")
        .arg(&exe)
        .status()
        .expect("running the C compiler (CC) for the layout check");
    assert!(st.success(), "{} could not compile the layout check against {}", cc, inc.display());
    let o = Command::new(&exe).output().expect("running the layout check");
    assert!(o.status.success());
    fs::write(out.join("layout.rs"), o.stdout).unwrap();
}
