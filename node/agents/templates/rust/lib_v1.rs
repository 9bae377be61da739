//! {{name}}: a nets agent for {{system}}, ABI v1 (the observation is written to memory).
//! Build and check: `nets agent build .`; see README.md.
#![no_std]

mod observation;
use observation::Obs;

/// A panic traps (the match is forfeited) instead of pulling in core::fmt.
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

/// Where the host writes the observation before every decide (zeroed, no data segment).
static mut OBS: [u8; observation::MAX_BYTES] = [0; observation::MAX_BYTES];

#[no_mangle]
pub extern "C" fn obs_ptr() -> i32 {
    unsafe { core::ptr::addr_of!(OBS) as i32 }
}

#[no_mangle]
pub extern "C" fn decide(len: i32) -> i64 {
    let len = (len as usize).min(observation::MAX_BYTES);
    let bytes = unsafe { core::slice::from_raw_parts(core::ptr::addr_of!(OBS) as *const u8, len) };
    choose(Obs(bytes))
}

{{strategy}}
