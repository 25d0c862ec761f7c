//! Links the `newsdex` executable at a fixed address (not position-independent) on Linux.
//!
//! Every search is a new process, and a position-independent executable makes the dynamic
//! loader patch tens of thousands of addresses in the binary at each start: `newsdex
//! --version` took 1.42 ms with them and 1.19 ms without, half the page faults
//! (docs/benchmarks.md). The code itself is unchanged.

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
