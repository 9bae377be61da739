//! {{name}}: a nets agent for {{system}}, ABI v0 (the observation is decide's u64).
//! Build and check: `nets agent build .`; see README.md.
#![no_std]

mod observation;
use observation::Obs;

/// A panic traps (the match is forfeited) instead of pulling in core::fmt.
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

#[no_mangle]
pub extern "C" fn decide(input: i64) -> i64 {
    choose(Obs(input as u64))
}

{{strategy}}
